import type { D1Migration } from 'cloudflare:test';
import type { Env as PlatformEnv } from '../src/env';

declare global {
  namespace Cloudflare {
    interface Env extends PlatformEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
