#!/usr/bin/env node
// Copies third-party browser bundles the platform serves itself (no CDN at run time, spec §1.2)
// into platform/public, the Worker's static assets. Runs after every `npm install`.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vendor = join(root, 'platform', 'public', 'vendor');
mkdirSync(vendor, { recursive: true });

const scalarPackage = join(root, 'node_modules', '@scalar', 'api-reference');
copyFileSync(join(scalarPackage, 'dist', 'browser', 'standalone.js'), join(vendor, 'scalar-api-reference.js'));
