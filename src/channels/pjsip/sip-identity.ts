import type { SipRequest } from '../../sip/message/sip-message.js';
import { parseUri, type SipUri } from '../../sip/message/sip-uri.js';
import { withoutPort } from '../../sip/ua/message-builder.js';

/** A name-addr as caller id: the display name is the name, the URI user part (cut at the first `;`) the number. */
function partyOf(displayName: string | undefined, uriText: string): { name: string; number: string } {
  const uri = parseUri(uriText);
  const user = uri.ok ? (uri.value.user ?? '') : '';
  const semi = user.indexOf(';');
  return { name: displayName ?? '', number: semi === -1 ? user : user.slice(0, semi) };
}

/**
 * Inbound caller id (sip-reference §1.2): from the From header, unless the endpoint has `trust_id_inbound=yes` and
 * the INVITE carries P-Asserted-Identity (then Remote-Party-ID), which replaces it.
 */
export function callerFromFrom(req: SipRequest, trustIdInbound = false): { name: string; number: string } {
  if (trustIdInbound) {
    for (const header of ['p-asserted-identity', 'remote-party-id']) {
      const ids = req.nameAddrs(header);
      const first = ids.ok ? ids.value[0] : undefined;
      if (first !== undefined) return partyOf(first.displayName, first.uri);
    }
  }
  return partyOf(req.from.displayName, req.from.uri);
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
