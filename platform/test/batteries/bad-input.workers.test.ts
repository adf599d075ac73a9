import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createOrg, expectError, json, jsonOf, type Session } from '../helpers';
import type { ErrorEnvelope } from '@castio/shared/schemas';
import { apiOperations, fillPath, jsonBodySchema, type ApiOperation } from '../openapi-routes';

/**
 * The bad-input battery (docs/architecture.md#errors): every route from the OpenAPI document gets malformed JSON, wrong
 * content types, oversized bodies, wrong types in every field, and hostile strings. Never a 5xx, always the
 * error envelope, and nothing half-written.
 */
let owner: Session;
let member: Session;
let jsonRoutes: ApiOperation[];
let paramValues: Record<string, string>;

beforeAll(async () => {
  owner = await createOrg('battery');
  member = await addMember(owner, 'member');
  jsonRoutes = (await apiOperations()).operations.filter((route) => jsonBodySchema(route.operation));
  paramValues = { userId: member.user.id, orgId: owner.org.id };
});

const send = (route: ApiOperation, init: Parameters<typeof call>[2]) =>
  call(route.method, fillPath(route.path, paramValues), { token: owner.token, ...init });

const HOSTILE_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  'x'.repeat(10_000),
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u202Eevil',
  '\u200B',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '../../etc/passwd',
  '\uD800',
  [],
  [1, 2],
  {},
  { __proto__: { admin: true } },
  { constructor: { prototype: {} } },
];

describe('bad input on every JSON route', () => {
  it('has JSON routes to check', () => expect(jsonRoutes.length).toBeGreaterThanOrEqual(5));

  it('answers malformed JSON with 400 invalid_json', async () => {
    for (const route of jsonRoutes) {
      for (const text of ['{', '{"a":', '[1,2', '\u0000', '{"email": "a"', 'nul']) {
        const response = await send(route, { rawBody: text, headers: { 'content-type': 'application/json' } });
        await expectError(response, 400, 'invalid_json');
      }
    }
  });

  it('answers non-JSON content types with 415 and oversized bodies with 413', async () => {
    for (const route of jsonRoutes) {
      await expectError(
        await send(route, { rawBody: '{}', headers: { 'content-type': 'text/plain' } }),
        415,
        'unsupported_media_type',
      );
      await expectError(
        await send(route, { rawBody: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
        415,
      );
      const huge = JSON.stringify({ name: 'x'.repeat(200_000) });
      await expectError(
        await send(route, { rawBody: huge, headers: { 'content-type': 'application/json' } }),
        413,
        'payload_too_large',
      );
    }
  });

  it('answers wrong top-level shapes and unknown fields with 400', async () => {
    for (const route of jsonRoutes) {
      for (const body of [null, [], 42, 'text', { unexpectedField: 1 }]) {
        const response = await send(route, { body });
        const error = await expectError(response, 400);
        expect(['validation_failed', 'invalid_json']).toContain(error.code);
      }
    }
  });

  it('never fails with a 5xx for hostile values in any field', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const route of jsonRoutes) {
      const properties = Object.keys(jsonBodySchema(route.operation)?.properties ?? {});
      checked += properties.length;
      for (const property of properties) {
        for (const value of HOSTILE_VALUES) {
          const response = await send(route, { body: { [property]: value } });
          if (response.status >= 500)
            failures.push(
              `${route.method} ${route.path} ${property}=${JSON.stringify(value)?.slice(0, 40)} → ${response.status}`,
            );
          if (response.status >= 400) {
            const body = await json<Partial<ErrorEnvelope>>(response);
            if (!body?.error?.code) failures.push(`${route.method} ${route.path}: no error envelope`);
            if (JSON.stringify(body).match(/at \w+ \(|SQLITE|D1_ERROR/))
              failures.push(`${route.path}: leaks internals`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(failures).toEqual([]);
  }, 120_000);
});

describe('bad input in query strings and paths', () => {
  it('rejects invalid list parameters with 400', async () => {
    for (const query of [
      'limit=abc',
      'limit=0',
      'limit=101',
      'limit=-5',
      'role=superuser',
      'active=maybe',
      `q=${'x'.repeat(500)}`,
    ]) {
      await expectError(await call('GET', `/api/users?${query}`, { token: owner.token }), 400, 'validation_failed');
    }
  });

  it('treats SQL and LIKE metacharacters in search as plain text', async () => {
    for (const q of ["' OR 1=1 --", '%', '_', '\\']) {
      const body = await jsonOf<'GET /api/users'>(
        await call('GET', `/api/users?q=${encodeURIComponent(q)}`, { token: owner.token }),
      );
      expect(body.items).toEqual([]);
    }
  });

  it('answers odd ids with 404, never a 5xx', async () => {
    for (const id of ['x'.repeat(2000), '..%2F..%2Fetc', '%00', encodeURIComponent('ü🙂'), "1' OR '1'='1"]) {
      const response = await call('GET', `/api/users/${id}`, { token: owner.token });
      expect([400, 404]).toContain(response.status);
      await expectError(response, response.status);
    }
  });
});

describe('names', () => {
  it('refuses control and invisible characters, stores markup as plain text, normalises Unicode', async () => {
    const rename = (name: string) =>
      call('PATCH', `/api/users/${member.user.id}`, { token: member.token, body: { name } });
    for (const name of ['a\u0000b', 'bad\u200Bname', '\u202Eevil', 'line\nbreak', '   ']) {
      await expectError(await rename(name), 400, 'validation_failed');
    }
    const markup = '<img src=x onerror=alert(1)> & "quotes"';
    expect((await jsonOf<'PATCH /api/users/{userId}'>(await rename(markup))).name).toBe(markup);
    expect((await jsonOf<'PATCH /api/users/{userId}'>(await rename('  Ｆｕｌｌwidth Ｎａｍｅ  '))).name).toBe(
      'Fullwidth Name',
    );
    expect((await jsonOf<'PATCH /api/users/{userId}'>(await rename('مرحبا Zoë 名前'))).name).toBe('مرحبا Zoë 名前');
  });
});
