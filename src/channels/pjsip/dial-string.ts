import type { EndpointConfig } from '../../config/pjsip-types.js';
import { parseUri, serializeUri } from '../../sip/message/sip-uri.js';
import type { CallTarget } from './outbound-session.js';
import type { PjsipContext } from './pjsip-context.js';
import type { ContactStore } from './registrar/contact-store.js';

export interface ResolvedTarget extends CallTarget {
  readonly endpoint: EndpointConfig;
}

/**
 * The dial string forms of sip-reference §1.1: `<endpoint>` (a contact of its AORs), `<endpoint>/<aor>`,
 * `<endpoint>/sip:user@host:port` (an explicit URI with the endpoint's settings), `<user>@<endpoint>` (sets the
 * Request-URI user). A bare `sip:` URI uses the global default_outbound_endpoint. An unknown endpoint or one with
 * no usable contact is an error (ARI: 500 "Allocation failed"). Of several contacts the first available one is
 * called (Asterisk forks to all of them).
 */
export function resolveDialString(
  ctx: PjsipContext & { readonly store: ContactStore },
  resource: string,
): ResolvedTarget | { error: string } {
  let endpointPart = resource;
  let rest = '';
  if (/^sips?:/i.test(resource)) {
    endpointPart = ctx.config.global.defaultOutboundEndpoint;
    rest = resource;
  } else {
    const slash = resource.indexOf('/');
    if (slash !== -1) {
      endpointPart = resource.slice(0, slash);
      rest = resource.slice(slash + 1);
    }
  }
  let user: string | undefined;
  const at = endpointPart.lastIndexOf('@');
  if (at !== -1) {
    user = endpointPart.slice(0, at);
    endpointPart = endpointPart.slice(at + 1);
  }
  const endpoint = ctx.config.endpoints.get(endpointPart);
  if (endpoint === undefined) return { error: `No endpoint '${endpointPart}'` };
  let uri: string | undefined;
  if (/^sips?:/i.test(rest)) uri = rest;
  else {
    const aors = rest === '' ? endpoint.aors : [rest];
    for (const aor of aors) {
      uri = ctx.store.available(aor)[0]?.uri;
      if (uri !== undefined) break;
    }
  }
  if (uri === undefined) return { error: `Endpoint '${endpoint.name}' has no contact` };
  if (user !== undefined) {
    const parsed = parseUri(uri);
    if (parsed.ok) uri = serializeUri({ ...parsed.value, user });
  }
  const destination = ctx.stack.resolve(uri);
  if (destination === undefined) return { error: `Cannot reach ${uri}` };
  return { endpoint, uri, destination };
}
