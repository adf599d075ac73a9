import type { UserRole } from '@castio/shared/rbac';

/** Who is calling, as loaded from D1 on every request (so deactivation and role changes apply at once). */
export interface AuthContext {
  userId: string;
  orgId: string;
  role: UserRole;
  email: string;
  name: string;
}
