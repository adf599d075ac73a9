import { describe, expect, it } from 'vitest';
import { ApiContract, ResponseMismatch } from './api-contract';
import type { DocumentedSchema } from './api-types';
import { apiContract } from './helpers';

/**
 * The check call() runs on every response (helpers.ts), fed responses that break a small document in each way it
 * looks for: every mismatch must be refused, with the operation, the status and what is wrong.
 */
const envelope = { $ref: '#/components/schemas/Error' };
const json = (schema: DocumentedSchema) => ({ content: { 'application/json': { schema } } });
const contract = new ApiContract({
  openapi: '3.1.0',
  info: { title: 'harness fixture', version: '1' },
  paths: {
    '/api/things/{thingId}': {
      get: { responses: { 200: json({ $ref: '#/components/schemas/Thing' }), 404: json(envelope) } },
      delete: { responses: { 202: { description: 'Going' }, 204: { description: 'Gone' } } },
    },
    '/api/things/latest': { get: { responses: { 200: json({ $ref: '#/components/schemas/Thing' }) } } },
    '/api/things/{thingId}/label.txt': { get: { responses: { 200: { content: { 'text/*': {} } } } } },
  },
  components: {
    schemas: {
      Error: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: { code: { type: 'string' }, message: { type: 'string' } },
            required: ['code', 'message'],
          },
        },
        required: ['error'],
      },
      Thing: {
        type: 'object',
        properties: { id: { type: 'string' }, kind: { enum: ['a', 'b'] }, at: { type: 'string', format: 'date-time' } },
        required: ['id', 'kind'],
      },
    },
  },
});
const THING = { id: 't1', kind: 'a', at: '2026-01-01T09:00:00Z' };
const jsonResponse = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
const notFound = () => jsonResponse({ error: { code: 'not_found', message: 'No.' } }, 404);

describe('the response contract call() holds every response to', () => {
  it('accepts what the document allows: JSON by schema, others by content type, none where none', async () => {
    await contract.assertConforms('GET', '/api/things/t1', jsonResponse(THING));
    await contract.assertConforms('GET', '/api/things/t1', notFound());
    await contract.assertConforms('DELETE', '/api/things/t1', new Response(null, { status: 204 }));
    const label = new Response('A', { headers: { 'content-type': 'text/plain' } });
    await contract.assertConforms('GET', '/api/things/t1/label.txt', label);
    await contract.assertConforms('GET', '/api/nothing-here', notFound());
  });

  it('refuses a status the operation does not list', async () => {
    const teapot = contract.assertConforms('GET', '/api/things/t1', jsonResponse(THING, 418));
    await expect(teapot).rejects.toBeInstanceOf(ResponseMismatch);
    await expect(teapot).rejects.toThrow(
      /^GET \/api\/things\/\{thingId\} \(\/api\/things\/t1\) answered 418.*status 418 is not documented \(documented: 200,404\)/,
    );
  });

  it('refuses a body missing a required field, or with a wrong value deep in it', async () => {
    const { kind: _kind, ...withoutKind } = THING;
    await expect(contract.assertConforms('GET', '/api/things/t1', jsonResponse(withoutKind))).rejects.toThrow(
      /body must have required property 'kind'/,
    );
    await expect(
      contract.assertConforms('GET', '/api/things/t1', jsonResponse({ ...THING, kind: 'c' })),
    ).rejects.toThrow(/body\/kind must be equal to one of the allowed values/);
    const localTime = { ...THING, at: '2026-01-01T09:00' };
    await expect(contract.assertConforms('GET', '/api/things/t1', jsonResponse(localTime))).rejects.toThrow(
      /body\/at must match format "date-time"/,
    );
    const bareError = jsonResponse({ message: 'No.' }, 404);
    await expect(contract.assertConforms('GET', '/api/things/t1', bareError)).rejects.toThrow(
      /required property 'error'/,
    );
  });

  it('refuses an undocumented content type, a body where none is documented, and JSON that does not parse', async () => {
    const html = new Response('<p>', { headers: { 'content-type': 'text/html' } });
    await expect(contract.assertConforms('GET', '/api/things/t1', html)).rejects.toThrow(/content type text\/html/);
    const image = new Response(new Uint8Array([1, 2]), { headers: { 'content-type': 'image/png' } });
    await expect(contract.assertConforms('GET', '/api/things/t1/label.txt', image)).rejects.toThrow(
      /content type image\/png .*\nbody: \(2 bytes of image\/png\)/,
    );
    const bodyWhereNone = jsonResponse(THING, 202);
    await expect(contract.assertConforms('DELETE', '/api/things/t1', bodyWhereNone)).rejects.toThrow(
      /a application\/json body where status 202 documents none/,
    );
    const truncated = new Response('{"id":', { headers: { 'content-type': 'application/json' } });
    await expect(contract.assertConforms('GET', '/api/things/t1', truncated)).rejects.toThrow(/not valid JSON/);
  });

  it('holds a request that reaches no documented operation to the 404 envelope', async () => {
    await expect(contract.assertConforms('GET', '/api/nothing-here', jsonResponse(THING))).rejects.toThrow(
      /^GET \(no documented route\) .* answered 200/,
    );
    await expect(contract.assertConforms('PUT', '/api/things/t1', jsonResponse({ error: {} }, 404))).rejects.toThrow(
      /required property 'code'/,
    );
  });

  it('matches literal path segments before templates, as the router does, and HEAD as GET', () => {
    expect(contract.operationFor('GET', '/api/things/latest')?.template).toBe('/api/things/latest');
    expect(contract.operationFor('GET', '/api/things/t1')?.template).toBe('/api/things/{thingId}');
    expect(contract.operationFor('HEAD', '/api/things/t1')?.template).toBe('/api/things/{thingId}');
    expect(contract.operationFor('GET', '/api/things/t1/more')).toBeUndefined();
    expect(contract.operationFor('POST', '/api/things/t1')).toBeUndefined();
  });
});

describe('the app’s own document as the contract', () => {
  it('is built from /api/openapi.json and refuses what it does not allow', async () => {
    const app = await apiContract();
    expect(app.operationFor('GET', '/api/meetings/01J00000000000000000000000')?.template).toBe(
      '/api/meetings/{meetingId}',
    );
    await expect(app.assertConforms('GET', '/api/auth/me', jsonResponse({ user: {} }))).rejects.toThrow(
      /^GET \/api\/auth\/me .*required property 'org'/,
    );
  });
});
