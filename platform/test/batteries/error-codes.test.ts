import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ERROR_CODES, ERROR_STATUSES, errorCodesOf, isErrorCode } from '@castio/shared/schemas';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { ApiError, envelope, retryLater } from '../../src/http/errors';
import { ApiContract, ResponseMismatch } from '../api-contract';
import type { ApiDocument, DocumentedSchema } from '../api-types';

/**
 * Errors as data (issue 10): the codes of @castio/shared/schemas are the ones the OpenAPI document lists, per
 * status, and the only ones the platform's source can answer with.
 */
const loadDocument = async () => (await (await createApp().request('/api/openapi.json')).json()) as ApiDocument;

/** The `code` enum of an envelope schema: `{ error: { code: { enum } } }`. */
const codeEnum = (schema: DocumentedSchema | undefined) => schema?.properties?.error?.properties?.code?.enum;

describe('the OpenAPI document’s error codes', () => {
  it('lists every code of the table, and only those, as the enum of the Error schema', async () => {
    const document = await loadDocument();
    expect(codeEnum(document.components.schemas.Error)).toEqual(ERROR_CODES);
  });

  it('names one envelope per status (Error409, …) that narrows the code to that status’s codes', async () => {
    const { schemas } = (await loadDocument()).components;
    for (const status of ERROR_STATUSES) {
      const [base, narrowing] = (schemas[`Error${status}`]?.allOf ?? []) as DocumentedSchema[];
      expect(base, `Error${status}`).toEqual({ $ref: '#/components/schemas/Error' });
      expect(codeEnum(narrowing), `Error${status}`).toEqual(errorCodesOf(status));
    }
  });

  it('answers every error status of every operation with the envelope of that status', async () => {
    const document = await loadDocument();
    let checked = 0;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          expect(ERROR_STATUSES, `${method} ${path} ${status}`).toContain(Number(status));
          expect(response.content?.['application/json']?.schema, `${method} ${path} ${status}`).toEqual({
            $ref: `#/components/schemas/Error${status}`,
          });
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('makes the response check of call() refuse a code outside the table or of another status', async () => {
    const contract = new ApiContract(await loadDocument());
    const answer = (status: number, code: string) =>
      contract.assertConforms(
        'POST',
        '/api/auth/refresh',
        Response.json({ error: { code, message: 'Because.' } }, { status }),
      );
    await expect(answer(409, 'refresh_in_progress')).resolves.toBeUndefined();
    await expect(answer(409, 'no_such_code')).rejects.toBeInstanceOf(ResponseMismatch);
    await expect(answer(409, 'rate_limited')).rejects.toBeInstanceOf(ResponseMismatch);
  });
});

const SOURCE_ROOT = join(import.meta.dirname, '../../src');
const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

describe('error codes in platform/src', () => {
  const sources = sourceFiles(SOURCE_ROOT).map((path) => ({
    name: relative(SOURCE_ROOT, path),
    text: readFileSync(path, 'utf8'),
  }));

  it('passes only codes of the table where a string literal names one', () => {
    // The types already refuse these at compile time (below); this names the file and line if they ever loosen.
    const site = /\b(?:new ApiError|envelope|errorAsResponse|retryLater)\(\s*'([^']*)'/g;
    const unknown: string[] = [];
    let sites = 0;
    for (const { name, text } of sources) {
      for (const match of text.matchAll(site)) {
        sites++;
        if (!isErrorCode(match[1])) unknown.push(`${name}:${lineOf(text, match.index)} '${match[1]}'`);
      }
    }
    expect(unknown).toEqual([]);
    expect(sites).toBeGreaterThan(70);
  });

  it('builds every error body with envelope(), and never passes ApiError a status', () => {
    const handBuilt = /\berror:\s*\{\s*code\b|new ApiError\(\s*\d/g;
    const found = sources.flatMap(({ name, text }) =>
      name === join('http', 'errors.ts')
        ? []
        : [...text.matchAll(handBuilt)].map((match) => `${name}:${lineOf(text, match.index)}`),
    );
    expect(found).toEqual([]);
  });

  it('is typed: a code outside the table, or of another status for retryLater, does not compile', () => {
    const neverCalled = () => {
      // @ts-expect-error not a code of the table
      new ApiError('no_such_code', 'Nope.');
      // @ts-expect-error the status comes from the table, never from the call site
      new ApiError(409, 'slug_taken', 'Nope.');
      // @ts-expect-error not a code of the table
      envelope('no_such_code', 'Nope.');
      // @ts-expect-error a 409 code, not a 429 one
      retryLater('slug_taken', 'Nope.', 5);
    };
    expect(neverCalled).toBeTypeOf('function');
    expect(new ApiError('capacity_reached', 'Full.').status).toBe(429);
    expect(retryLater('rate_limited', 'Slow down.', 7)).toMatchObject({
      status: 429,
      details: { retryAfterSeconds: 7 },
      headers: { 'Retry-After': '7' },
    });
  });
});
