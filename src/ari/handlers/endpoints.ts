import type { Core } from '../../core/core.js';
import type { TextMessage } from '../../core/endpoints.js';
import { AriError, type BoundArgs, type Handler, type RequestContext } from '../handler.js';
import { required, str, variablesFromBody } from './args.js';

/**
 * Endpoints (resource_endpoints.c): list, per technology, one endpoint, and out-of-call text messages. A
 * technology without endpoints (Local) answers 404 as Asterisk does for `GET /endpoints/Local` (trace s2).
 */
export function endpointHandlers(core: Core): Record<string, Handler> {
  const invalidTech = (tech: string): AriError => new AriError(404, `No Endpoints found - invalid tech ${tech}`);
  const notFound = (): AriError => new AriError(404, 'Endpoint not found');

  /** `to` is `tech:destination` (`pjsip:alice`, `pjsip:alice/sip:bob@host`). */
  function send(to: string, args: BoundArgs, ctx: RequestContext): { status: number } {
    const colon = to.indexOf(':');
    if (colon <= 0) throw new AriError(404, 'Endpoint not found');
    const provider = core.endpoints.provider(to.slice(0, colon));
    if (provider?.sendMessage === undefined) throw notFound();
    const variables: Record<string, string> = {};
    // The JSON body `{"variables": {...}}` (the `variables` body parameter).
    for (const v of variablesFromBody(ctx.jsonBody) ?? []) variables[v.name] = v.value;
    const message: TextMessage = { from: str(args, 'from') ?? '', to, body: str(args, 'body') ?? '', variables };
    const failed = provider.sendMessage(to.slice(colon + 1), message);
    if (failed !== undefined) throw new AriError(404, failed.error);
    return { status: 202 };
  }

  return {
    list: () => ({ body: core.endpoints.list() }),
    listByTech: (args) => {
      const tech = str(args, 'tech') ?? '';
      const provider = core.endpoints.provider(tech);
      if (provider === undefined) throw invalidTech(tech);
      return { body: provider.list() };
    },
    get: (args) => {
      const tech = str(args, 'tech') ?? '';
      const provider = core.endpoints.provider(tech);
      if (provider === undefined) throw invalidTech(tech);
      const endpoint = provider.get(str(args, 'resource') ?? '');
      if (endpoint === undefined) throw notFound();
      return { body: endpoint };
    },
    sendMessage: (args, ctx) => send(required(args, 'to', 'To must be specified'), args, ctx),
    sendMessageToEndpoint: (args, ctx) => {
      const tech = str(args, 'tech') ?? '';
      const resource = str(args, 'resource') ?? '';
      if (core.endpoints.get(tech, resource) === undefined) throw notFound();
      return send(`${tech.toLowerCase()}:${resource}`, args, ctx);
    },
  };
}
