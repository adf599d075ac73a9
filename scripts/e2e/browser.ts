import sparticuzChromium from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

/**
 * Flags sparticuz's build starts with that break what the tests check: `--disable-web-security` makes Chromium
 * send no `Origin` header (so every same-origin check refuses the page's own writes), and `--single-process`
 * crashes when a second context opens after one closed.
 */
const BREAKS_TESTS = new Set(['--disable-web-security', '--single-process']);

/** Keeps an offline machine quiet: no update, sync or background lookups that the closed network refuses. */
const OFFLINE_FLAGS = [
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Headless Chromium from the `@sparticuz/chromium` npm package (unpacked into the temp folder on first use), so
 * browser tests need nothing but `npm install`. `CHROMIUM_PATH` picks a system browser instead. Never downloads.
 */
export async function launchChromium(): Promise<Browser> {
  const systemBrowser = process.env.CHROMIUM_PATH;
  const args = systemBrowser
    ? ['--no-sandbox', '--disable-gpu']
    : sparticuzChromium.args.filter((flag) => !BREAKS_TESTS.has(flag));
  return chromium.launch({
    executablePath: systemBrowser ?? (await sparticuzChromium.executablePath()),
    headless: true,
    args: [...args, ...OFFLINE_FLAGS],
  });
}
