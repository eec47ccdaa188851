/**
 * Per-source brake on SIP digest guessing (REGISTER, INVITE and every other challenged request), with the
 * policy of AuthFailureLimiter: a request whose Authorization fails (a wrong password, an unknown user, a
 * forged nonce — not a stale nonce, which any UA may present) counts against its source address; past a few
 * failures the 401 is held back longer each time (the server transaction absorbs retransmissions meanwhile),
 * and at the limit the source gets `403 Forbidden` — what res_pjsip answers a source an ACL refuses — to every
 * out-of-dialog request until its block ends, without any digest being computed. Requests without credentials
 * (the first leg of every challenge) never count. Dialogs already established are not affected.
 * Asterisk has no such brake (it reports failures as security events, for fail2ban).
 */
import {
  AuthFailureLimiter,
  DEFAULT_AUTH_FAILURE_LIMITS,
  type AuthFailureLimits,
} from '../../util/auth-failure-limiter.js';

/** What to do with a request whose credentials failed. */
export type SipAuthFailureAction =
  { readonly kind: 'challenge'; readonly delayMs: number } | { readonly kind: 'refuse' };

export class SipAuthLimiter {
  readonly #limiter: AuthFailureLimiter;

  constructor(limits: AuthFailureLimits = DEFAULT_AUTH_FAILURE_LIMITS, now?: () => number) {
    this.#limiter = new AuthFailureLimiter(limits, now);
  }

  get limits(): AuthFailureLimits {
    return this.#limiter.limits;
  }

  /** Whether requests from `host` are refused for now. */
  isRefused(host: string): boolean {
    return this.#limiter.retryAfterS(host) > 0;
  }

  /**
   * A request from `host` was not authenticated. Only a request that carried credentials and was not merely
   * stale counts; the answer is a 401 (held back `delayMs`), or the 403 when this failure got `host` refused.
   */
  failed(host: string, hadCredentials: boolean, isStale: boolean): SipAuthFailureAction {
    if (!hadCredentials || isStale) return { kind: 'challenge', delayMs: 0 };
    const verdict = this.#limiter.fail(host);
    return verdict.isBlocked ? { kind: 'refuse' } : { kind: 'challenge', delayMs: verdict.delayMs };
  }
}
