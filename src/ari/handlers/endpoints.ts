import type { Core } from '../../core/core.js';
import type { TextMessage } from '../../core/endpoints.js';
import { implement, resourceHandlers } from '../contract/implement.js';
import { AriError } from '../handler.js';
import { Reply } from '../contract/result.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.endpoints;

const notFound = (): AriError => new AriError(404, 'Endpoint not found');

/** resource_endpoints.c send_message: `to` is `tech:destination` (`pjsip:alice`, `pjsip:alice/sip:bob@host`). */
function send(core: Core, to: string | undefined, from = '', body = '', variables = {}): Reply<undefined> {
  if (!to) throw new AriError(400, 'To must be specified');
  const colon = to.indexOf(':');
  if (colon <= 0) throw notFound();
  const provider = core.endpoints.provider(to.slice(0, colon));
  if (provider?.sendMessage === undefined) throw notFound();
  const message: TextMessage = { from, to, body, variables };
  const failed = provider.sendMessage(to.slice(colon + 1), message);
  if (failed !== undefined) throw new AriError(404, failed.error);
  return new Reply(undefined, { status: 202 });
}

const STRING_VARIABLES = { variables: { decode: 'stringVariables' } } as const;
const REFER_VARIABLES = { variables: { decode: 'referVariables' } } as const;

/**
 * resource_endpoints.c send_refer: `to` is `tech:destination`; only `to` is checked here (400), everything else
 * that cannot be resolved — the technology, the destination, `refer_to` (also when absent) — is 404 "Endpoint not
 * found", as Asterisk answers; sent, 202 without waiting for the REFER's response.
 */
function refer(
  core: Core,
  to: string | undefined,
  p: { from?: string; refer_to?: string; to_self?: boolean; variables?: Readonly<Record<string, string>> },
): Reply<undefined> {
  if (!to) throw new AriError(400, 'To must be specified');
  const colon = to.indexOf(':');
  if (colon <= 0 || !p.refer_to) throw notFound();
  const provider = core.endpoints.provider(to.slice(0, colon));
  if (provider?.sendRefer === undefined) throw notFound();
  const failed = provider.sendRefer(to.slice(colon + 1), {
    from: p.from ?? '',
    referTo: p.refer_to,
    toSelf: p.to_self === true,
    variables: p.variables ?? {},
  });
  if (failed !== undefined) throw new AriError(404, failed.error);
  return new Reply(undefined, { status: 202 });
}

/**
 * Endpoints (resource_endpoints.c): list, per technology, one endpoint, and out-of-call text messages. A
 * technology without endpoints (Local) answers 404 as Asterisk does for `GET /endpoints/Local` (trace s2).
 */
export const endpointHandlers = resourceHandlers('endpoints', {
  list: implement(ops.list, { handle: (_args, { core }) => core.endpoints.list() }),
  listByTech: implement(ops.listByTech, {
    handle: ({ tech }, { core }) => {
      // The technology's own endpoint is found by its exact name (`PJSIP`; `pjsip` is 404), although a single
      // endpoint's technology matches in any case (`GET /endpoints/pjsip/alice`).
      const provider = core.endpoints.provider(tech);
      if (provider === undefined || provider.technology !== tech)
        throw new AriError(404, `No Endpoints found - invalid tech ${tech}`);
      return provider.list();
    },
  }),
  get: implement(ops.get, { target: 'endpoint', handle: (_args, { endpoint }) => endpoint }),
  sendMessage: implement(ops.sendMessage, {
    params: STRING_VARIABLES,
    handle: ({ to, from, body, variables }, { core }) => send(core, to, from, body, variables),
  }),
  sendMessageToEndpoint: implement(ops.sendMessageToEndpoint, {
    params: STRING_VARIABLES,
    order: ['target', 'body'],
    target: 'endpoint',
    handle: ({ tech, resource, from, body, variables }, { core }) =>
      send(core, `${tech.toLowerCase()}:${resource}`, from, body, variables),
  }),
  refer: implement(ops.refer, {
    params: REFER_VARIABLES,
    handle: ({ to, ...p }, { core }) => refer(core, to, p),
  }),
  referToEndpoint: implement(ops.referToEndpoint, {
    params: REFER_VARIABLES,
    target: 'endpoint',
    handle: ({ tech, resource, ...p }, { core }) => refer(core, `${tech.toLowerCase()}:${resource}`, p),
  }),
});
