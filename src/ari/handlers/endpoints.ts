import type { Core } from '../../core/core.js';
import type { TextMessage } from '../../core/endpoints.js';
import { implement, notImplemented, resourceHandlers } from '../contract/implement.js';
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

/**
 * Endpoints (resource_endpoints.c): list, per technology, one endpoint, and out-of-call text messages. A
 * technology without endpoints (Local) answers 404 as Asterisk does for `GET /endpoints/Local` (trace s2).
 */
export const endpointHandlers = resourceHandlers('endpoints', {
  list: implement(ops.list, { handle: (_args, { core }) => core.endpoints.list() }),
  listByTech: implement(ops.listByTech, {
    handle: ({ tech }, { core }) => {
      const provider = core.endpoints.provider(tech);
      if (provider === undefined) throw new AriError(404, `No Endpoints found - invalid tech ${tech}`);
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
  refer: notImplemented,
  referToEndpoint: notImplemented,
});
