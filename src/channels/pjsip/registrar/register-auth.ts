// Inbound digest authentication of an endpoint's requests (sip-reference §4.10, §5 auth): the endpoint's `auth=`
// sections are checked with ServerAuth; a failure gives the 401's WWW-Authenticate values (stale=true when a correct
// answer used an expired nonce). Sources no endpoint claims get an "artificial" challenge that nothing can answer,
// so a scanner learns nothing about which users exist.
//
// Which requests are challenged: every out-of-dialog one but ACK and CANCEL, and OPTIONS unless
// `allow_unauthenticated_options=yes` (needsAuth).

import type { AuthConfig, EndpointConfig } from '../../../config/pjsip-types.js';
import type { DigestSecret } from '../../../sip/auth/digest.js';
import { ServerAuth } from '../../../sip/auth/server-auth.js';
import { type SipHeader, type SipRequest, makeHeader } from '../../../sip/message/sip-message.js';

export type InboundAuthResult =
  | { ok: true; username: string | undefined }
  | { ok: false; status: 401; reason: 'Unauthorized'; headers: SipHeader[]; isStale: boolean };

export interface InboundAuthOptions {
  /** Global `default_realm` (asterisk). */
  defaultRealm?: string;
  now?: () => number;
}

/** Whether a request from this endpoint must carry valid credentials. */
export function needsAuth(req: SipRequest, endpoint: EndpointConfig, isInDialog: boolean): boolean {
  if (endpoint.auth.length === 0 || isInDialog) return false;
  if (req.method === 'ACK' || req.method === 'CANCEL') return false;
  return !(req.method === 'OPTIONS' && endpoint.allowUnauthenticatedOptions);
}

export class InboundAuthenticator {
  readonly #auths: ReadonlyMap<string, AuthConfig>;
  readonly #defaultRealm: string;
  readonly #now: (() => number) | undefined;
  /** One ServerAuth per nonce_lifetime in use (normally just the 32 s default). */
  readonly #servers = new Map<number, ServerAuth>();
  #artificial: ServerAuth | undefined;

  constructor(auths: ReadonlyMap<string, AuthConfig>, options: InboundAuthOptions = {}) {
    this.#auths = auths;
    this.#defaultRealm = options.defaultRealm ?? 'asterisk';
    this.#now = options.now;
  }

  /** Verifies the request's Authorization against the endpoint's auth sections; a 401 to send when it fails. */
  check(req: SipRequest, endpoint: EndpointConfig): InboundAuthResult {
    if (endpoint.auth.length === 0) return { ok: true, username: undefined };
    const sections = endpoint.auth.map((n) => this.#auths.get(n)).filter((a): a is AuthConfig => a !== undefined);
    // `auth=` naming only sections that do not exist must not mean "no password": nothing can succeed.
    if (sections.length === 0) return this.artificialChallenge();
    const credentials = req.headerLines('authorization');
    let isStale = false;
    if (credentials.length > 0) {
      for (const a of sections) {
        const realm = this.#realm(a);
        const r = this.#server(a.nonceLifetime).verify(
          credentials,
          { method: req.method, uri: req.uri, body: req.body },
          (u, rlm) => (u === a.username && rlm === realm ? secretOf(a) : undefined),
          a.algorithmsUas,
        );
        if (r.ok) return { ok: true, username: r.username };
        if (r.reason === 'stale') isStale = true;
      }
    }
    // One challenge per realm, each from the auth section that owns it.
    const headers: SipHeader[] = [];
    const realms = new Set<string>();
    for (const a of sections) {
      const realm = this.#realm(a);
      if (realms.has(realm)) continue;
      realms.add(realm);
      for (const v of this.#server(a.nonceLifetime).challenge(realm, a.algorithmsUas, isStale)) {
        headers.push(makeHeader('WWW-Authenticate', v));
      }
    }
    return { ok: false, status: 401, reason: 'Unauthorized', headers, isStale };
  }

  /** The challenge for a request no endpoint claims: well formed, but no credentials can ever satisfy it. */
  artificialChallenge(): InboundAuthResult & { ok: false } {
    // Its own ServerAuth (own secret): an answer to this nonce is refused by every endpoint's check as well.
    this.#artificial ??= new ServerAuth(this.#now ? { now: this.#now } : {});
    const values = this.#artificial.challenge(this.#defaultRealm, ['MD5']);
    return {
      ok: false,
      status: 401,
      reason: 'Unauthorized',
      headers: values.map((v) => makeHeader('WWW-Authenticate', v)),
      isStale: false,
    };
  }

  #realm(a: AuthConfig): string {
    return a.realm === '' ? this.#defaultRealm : a.realm;
  }

  #server(nonceLifetimeS: number): ServerAuth {
    let s = this.#servers.get(nonceLifetimeS);
    if (s === undefined) {
      s = new ServerAuth({ nonceLifetimeMs: nonceLifetimeS * 1000, ...(this.#now ? { now: this.#now } : {}) });
      this.#servers.set(nonceLifetimeS, s);
    }
    return s;
  }
}

/** `password`, or the `md5_cred` hash (which only answers MD5 for its own realm). */
function secretOf(a: AuthConfig): DigestSecret | undefined {
  if (a.password !== '') return { password: a.password };
  return a.md5Cred !== '' ? { md5Hash: a.md5Cred } : undefined;
}
