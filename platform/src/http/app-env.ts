import type { Env } from '../env';
import type { AuthContext } from '../auth/auth-context';

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    auth: AuthContext;
  };
}
