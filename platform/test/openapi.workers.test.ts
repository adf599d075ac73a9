import { describe, expect, it } from 'vitest';
import { call, json } from './helpers';

const ISSUE_ROUTES = [
  'POST /api/auth/register',
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /api/auth/logout',
  'GET /api/auth/me',
  'GET /api/users',
  'GET /api/users/{userId}',
  'PATCH /api/users/{userId}',
  'DELETE /api/users/{userId}',
  'POST /api/users/invites',
  'GET /api/users/invites',
  'DELETE /api/users/invites/{inviteId}',
  'GET /api/org',
  'GET /api/org/settings',
  'PATCH /api/org/settings',
  'POST /api/org/branding',
  'GET /api/org/branding/{orgId}/{fileName}',
];

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists every route with request and response schemas', async () => {
    const response = await call('GET', '/api/openapi.json');
    expect(response.status).toBe(200);
    const document = await json(response);
    expect(document.openapi).toBe('3.1.0');
    const listed = Object.entries<any>(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const route of ISSUE_ROUTES) expect(listed).toContain(route);
    for (const [path, item] of Object.entries<any>(document.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        const success = Object.entries<any>(operation.responses).find(([status]) => status.startsWith('2'));
        expect(success, `${method} ${path}`).toBeTruthy();
        // The RTK webhook body is raw signed bytes, verified before anything parses it: no JSON schema on purpose.
        const rawBody = path.endsWith('/webhooks/rtk');
        if (
          ['post', 'patch', 'put'].includes(method) &&
          !path.endsWith('/refresh') &&
          !path.endsWith('/logout') &&
          !rawBody
        ) {
          expect(operation.requestBody, `${method} ${path} body`).toBeTruthy();
        }
        const error = operation.responses['400'] ?? operation.responses['401'];
        expect(error?.content?.['application/json']?.schema?.$ref, `${method} ${path} error`).toBe(
          '#/components/schemas/Error',
        );
      }
    }
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('serves the API reference page with its bundle from our own origin', async () => {
    const page = await call('GET', '/api/docs');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/vendor/scalar-api-reference.js');
    expect(html).toContain('/api/openapi.json');
    expect(html).not.toMatch(/https:\/\/cdn\./);
  });

  it('answers unknown routes in the error envelope with a request id', async () => {
    const response = await call('GET', '/api/nope');
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ error: { code: 'not_found', message: 'No route for GET /api/nope.' } });
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('cross-site requests', () => {
  it('refuses writes a browser sends from another site, and allows same-origin and server clients', async () => {
    const body = { email: 'csrf@example.com', password: 'whatever-long' };
    const evil = await call('POST', '/api/auth/login', { body, headers: { origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
    expect((await json(evil)).error.code).toBe('cross_site_request');
    const fetchMeta = await call('POST', '/api/auth/refresh', { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(fetchMeta.status).toBe(403);
    const sameOrigin = await call('POST', '/api/auth/login', {
      body,
      headers: { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' },
    });
    expect(sameOrigin.status).toBe(401);
    expect((await call('POST', '/api/auth/login', { body })).status).toBe(401);
    expect((await call('GET', '/api/health', { headers: { origin: 'https://evil.example' } })).status).toBe(200);
  });
});
