import type { Env } from '../env';
import type { UserRole } from '@castio/shared/rbac';

/** Who is calling, as loaded from D1 on every request (so deactivation and role changes apply at once). */
export interface AuthContext {
  userId: string;
  orgId: string;
  role: UserRole;
  email: string;
  name: string;
}

/** The Hono environment of every route: the Worker's bindings, and what middleware sets (`auth/middleware.ts`). */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    auth: AuthContext;
  };
}
