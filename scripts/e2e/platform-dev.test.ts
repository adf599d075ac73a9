import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatformDev } from '../dev/platform-dev.ts';
import { launchChromium } from './browser';

/** `npm run dev:platform` for real: wrangler dev, local D1 with migrations, and the docs page in Chromium. */
let server: Awaited<ReturnType<typeof startPlatformDev>>;
let browser: Browser;
const stateDir = mkdtempSync(join(tmpdir(), 'castio-e2e-'));

beforeAll(async () => {
  server = await startPlatformDev({ port: 8800 + Math.floor(Math.random() * 100), persistTo: stateDir, quiet: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  rmSync(stateDir, { recursive: true, force: true });
});

describe('platform dev server', () => {
  it('serves the API with migrations applied: register, then /me', async () => {
    const registered = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'e2e@castio.example',
        password: 'correct horse battery staple',
        name: 'E2E',
        orgName: 'E2E',
        orgSlug: 'e2e',
      }),
    });
    expect(registered.status).toBe(201);
    const { accessToken } = (await registered.json()) as { accessToken: string };
    const me = await fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(((await me.json()) as { org: { slug: string } }).org.slug).toBe('e2e');
  });

  it('renders the API reference in Chromium without any outside request', async () => {
    const page = await browser.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) outside.push(request.url());
    });
    await page.goto(`${server.url}/api/docs`);
    await page.getByText('Castio platform API').first().waitFor({ timeout: 30_000 });
    await expect(page.getByText('/api/auth/login').first().isVisible()).resolves.toBe(true);
    await page.setViewportSize({ width: 390, height: 800 });
    expect(outside).toEqual([]);
    await page.close();
  });

  it("sends the page's Origin with its writes, which the same-origin check reads", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/api/docs`);
    const sent = page.waitForRequest((request) => request.method() === 'POST');
    const status = await page.evaluate(async () => {
      const response = await fetch('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@castio.example', password: 'not the password' }),
      });
      return response.status;
    });
    expect((await (await sent).allHeaders()).origin).toBe(server.url);
    expect(status).toBe(401);
    await page.close();
  });
});
