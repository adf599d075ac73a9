#!/usr/bin/env node
// Serves the platform Worker alone at http://127.0.0.1:8788 (PORT overrides) with local D1/KV/R2,
// migrations applied first. State lives in .wrangler/state and survives restarts.
import { startPlatformDev } from './dev/platform-dev.mjs';

const port = Number(process.env.PORT ?? 8788);
await startPlatformDev({ port });
