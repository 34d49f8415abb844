import type { Store } from './db/store';
import type { TokenService } from './auth/tokens';
import type { LoginLimiter } from './auth/rate-limit';
import type { PasswordVerifier } from './auth/passwords';
import type { SyncNotifier } from './sync/notifier';
import type { ServiceLifecycle } from './lifecycle';

/** What every route and command needs from the running service. */
export interface ServiceDeps {
  store: Store;
  tokens: TokenService;
  loginLimiter: LoginLimiter;
  /** argon2 in the service; tests count the checks a sign-in makes. */
  passwords: PasswordVerifier;
  notifier: SyncNotifier;
  /** The service's clock; tests move it to cross period and contract boundaries. */
  now: () => Date;
  /** Operator routes exist only when this is set. */
  operatorToken: string | null;
  /** Draining on SIGTERM: /readyz and the event streams follow it. */
  lifecycle: ServiceLifecycle;
}
