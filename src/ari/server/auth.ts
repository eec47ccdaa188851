/**
 * Who is asking (res_ari.c:authenticate_user): HTTP Basic first; only when there is no Basic header, the
 * `api_key=user:password` parameter (split at the first ':'). semantics.md §1.2.
 */
import type { AriAuth, AriParam } from './types.js';

export interface AriUser {
  readonly user: string;
  readonly readOnly: boolean;
}

/** `Authorization: Basic base64(user:password)` → [user, password]; undefined when absent or not Basic. */
function basicCredentials(header: string | undefined): [string, string] | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*basic\s+(\S+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

function splitApiKey(key: string): [string, string] | undefined {
  const colon = key.indexOf(':');
  return colon < 0 ? undefined : [key.slice(0, colon), key.slice(colon + 1)];
}

/** The first `api_key` parameter (the name is matched case-insensitively, as strcasecmp does). */
export function findApiKey(params: readonly AriParam[]): string | undefined {
  for (const [name, value] of params) if (name.toLowerCase() === 'api_key') return value;
  return undefined;
}

/**
 * Authenticate a request. `fallbackApiKey` is the events WebSocket's own api_key, re-used for REST over
 * WebSocket requests that carry none (ari_websocket_requests.c authenticates with the upgrade request).
 */
export function authenticate(
  auth: AriAuth,
  authorization: string | undefined,
  params: readonly AriParam[],
  fallbackApiKey?: string,
): AriUser | undefined {
  let creds = basicCredentials(authorization);
  if (!creds) {
    const key = findApiKey(params) ?? fallbackApiKey;
    if (key === undefined) return undefined;
    creds = splitApiKey(key);
    if (!creds) return undefined;
  }
  return auth.authenticate(creds[0], creds[1]);
}

/**
 * Whether a request offers credentials at all (a Basic header, or an `api_key`): only such requests can be
 * password guesses, so only their 401s count against the sender (auth-limiter.ts).
 */
export function hasCredentials(authorization: string | undefined, params: readonly AriParam[]): boolean {
  return basicCredentials(authorization) !== undefined || findApiKey(params) !== undefined;
}

/** Read-only users may only GET and OPTIONS (res_ari.c: "Write access denied"). */
export function mayUseMethod(user: AriUser, method: string): boolean {
  return !user.readOnly || method === 'GET' || method === 'OPTIONS';
}
