#!/usr/bin/env node
// `npm start`: the platform on local D1/KV/R2 (later issues add the local cloud and the deployer).
import { startPlatformDev } from './dev/platform-dev.mjs';

await startPlatformDev({ port: Number(process.env.PORT ?? 8788) });
