/**
 * The per-address brake on ARI password guessing (ari.conf `auth_failure_*`, see AuthFailureLimiter): a 401
 * answered to a request that carried credentials (HTTP Basic, or `api_key`) counts as a failure; past a few the
 * 401 is held back a little longer each time, and at the limit the address gets `429 Too Many Requests` with
 * `Retry-After` for every request until its block ends. Requests without credentials (a client's first probe,
 * a browser before its login prompt) are answered 401 as before and do not count. Asterisk has no such brake.
 */
import {
  AuthFailureLimiter,
  DEFAULT_AUTH_FAILURE_LIMITS,
  type AuthFailureLimits,
} from '../../util/auth-failure-limiter.js';
import { hasCredentials } from './auth.js';
import { errorResponse } from './responses.js';
import type { AriLogger, AriRequest, AriResponse } from './types.js';

/** The AriServer options of the brake. */
export interface AuthLimitOptions {
  /** Off when `maxFailures` is 0; the defaults when absent. */
  readonly authLimits?: AuthFailureLimits;
  /** Milliseconds clock (tests pass a manual one). */
  readonly authClock?: () => number;
}

export const TOO_MANY_FAILURES = 'Too many failed authentication attempts';

export class AriAuthLimiter {
  readonly #limiter: AuthFailureLimiter;

  constructor(
    options: AuthLimitOptions,
    private readonly logger: AriLogger,
  ) {
    this.#limiter = new AuthFailureLimiter(options.authLimits ?? DEFAULT_AUTH_FAILURE_LIMITS, options.authClock);
  }

  /** The 429 for an address that is refused for now, else undefined. */
  refusal(address: string | undefined): AriResponse | undefined {
    if (address === undefined) return undefined;
    const retryAfterS = this.#limiter.retryAfterS(address);
    if (retryAfterS === 0) return undefined;
    return errorResponse(429, TOO_MANY_FAILURES, 'Too Many Requests', [['Retry-After', String(retryAfterS)]]);
  }

  /** After `req` was answered `res`: how long to hold the answer back (ms); counts failed credentials. */
  settle(address: string | undefined, req: AriRequest, res: AriResponse): number {
    if (res.status !== 401 || address === undefined) return 0;
    if (!hasCredentials(req.headers['authorization'], req.params)) return 0;
    const verdict = this.#limiter.fail(address);
    if (verdict.isBlocked) {
      const blockS = Math.ceil(this.#limiter.limits.blockMs / 1000);
      this.logger.warn({ address, blockS }, 'ARI: too many failed authentications; refusing this address');
    }
    return verdict.delayMs;
  }
}

/** Resolves after `ms` (0: at once, without a timer). */
export function holdBack(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
