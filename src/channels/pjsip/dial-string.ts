import type { EndpointConfig } from '../../config/pjsip-types.js';
import { parseUri, serializeUri } from '../../sip/message/sip-uri.js';
import type { CallTarget } from './outbound-leg.js';
import type { PjsipContext } from './pjsip-context.js';
import type { ContactStore } from './registrar/contact-store.js';

export interface ResolvedTarget extends CallTarget {
  readonly endpoint: EndpointConfig;
  /** Every target to call at once (each available contact); the first one is also `uri`/`destination`. */
  readonly targets: readonly CallTarget[];
}

/**
 * The dial string forms of sip-reference §1.1: `<endpoint>` (a contact of its AORs), `<endpoint>/<aor>`,
 * `<endpoint>/sip:user@host:port` (an explicit URI with the endpoint's settings), `<user>@<endpoint>` (sets the
 * Request-URI user). A bare `sip:` URI uses the global default_outbound_endpoint. An unknown endpoint or one with
 * no usable contact is an error (ARI: 500 "Allocation failed"). Every available contact of the AORs is a target:
 * the call forks to all of them, as Asterisk's does.
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
  const uris: string[] = [];
  if (/^sips?:/i.test(rest)) uris.push(rest);
  else
    for (const aor of rest === '' ? endpoint.aors : [rest]) for (const b of ctx.store.available(aor)) uris.push(b.uri);
  if (uris.length === 0) return { error: `Endpoint '${endpoint.name}' has no contact` };
  const targets: CallTarget[] = [];
  for (let uri of uris) {
    if (user !== undefined) {
      const parsed = parseUri(uri);
      if (parsed.ok) uri = serializeUri({ ...parsed.value, user });
    }
    const destination = ctx.stack.resolve(uri);
    if (destination !== undefined && !targets.some((t) => t.uri === uri)) targets.push({ uri, destination });
  }
  const first = targets[0];
  if (first === undefined) return { error: `Cannot reach ${uris[0]}` };
  return { endpoint, uri: first.uri, destination: first.destination, targets };
}
