import type { SipRequest } from '../../sip/message/sip-message.js';
import { parseUri, type SipUri } from '../../sip/message/sip-uri.js';
import { withoutPort } from '../../sip/ua/message-builder.js';

/**
 * Inbound caller id from the From header (sip-reference §1.2): the display name is the name, the URI user part
 * (cut at the first `;`) the number. P-Asserted-Identity is not trusted (trust_id_inbound=no).
 */
export function callerFromFrom(req: SipRequest): { name: string; number: string } {
  const uri = parseUri(req.from.uri);
  const user = uri.ok ? (uri.value.user ?? '') : '';
  const semi = user.indexOf(';');
  return { name: req.from.displayName ?? '', number: semi === -1 ? user : user.slice(0, semi) };
}

/** The extension an INVITE asks for: the Request-URI user (a tel: URI's number), `s` when there is none. */
export function requestExten(uri: SipUri): string {
  const user = uri.user ?? '';
  return user === '' ? 's' : user;
}

/** `"Alice" <sip:alice@127.0.0.1>`: a URI as Asterisk writes From in events and variables (port dropped). */
export function displayUri(displayName: string | undefined, uri: string): string {
  const bare = withoutPort(uri);
  return displayName === undefined || displayName === '' ? `<${bare}>` : `"${displayName}" <${bare}>`;
}
