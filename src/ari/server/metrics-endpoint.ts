/**
 * `GET <prefix>/metrics`: the Prometheus text exposition of the server's metrics, on the ARI HTTP listener (the
 * place Asterisk's res_prometheus serves them). The text is rendered by whoever the app wires in; this file only
 * routes, authenticates and answers. By default the ari.conf users are asked for, as for ARI (Basic or
 * `api_key`); http.conf `metrics_auth = no` opens it to anyone who can reach the listener.
 */
import type { IncomingMessage } from 'node:http';
import { authenticate } from './auth.js';
import { flatHeaders } from './http-transport.js';
import { errorResponse } from './responses.js';
import type { AriAuth, AriResponse } from './types.js';
import { parseFormList, splitTarget } from './uri.js';

/** The metrics as the edge renders them (prom-client's registry, say). */
export interface MetricsSource {
  /** The exposition text and its content type (text/plain; version=0.0.4). */
  render(): Promise<{ readonly contentType: string; readonly text: string }>;
  /** Whether a scrape must authenticate as an ari.conf user (http.conf `metrics_auth`). */
  readonly requiresAuth: boolean;
}

export interface MetricsRouteOptions {
  /** Serve `<prefix>/metrics` from this source; undefined = no metrics route (404 like any unknown path). */
  readonly metrics?: MetricsSource | undefined;
}

const METRICS_SEGMENT = '/metrics';

/** Whether `path` is `<prefix>/metrics` (a trailing slash allowed). */
export function isMetricsPath(path: string, prefix: string): boolean {
  if (prefix !== '' && !path.startsWith(prefix)) return false;
  const rest = path.slice(prefix.length);
  return rest === METRICS_SEGMENT || rest === METRICS_SEGMENT + '/';
}

export class MetricsEndpoint {
  constructor(
    private readonly source: MetricsSource,
    private readonly auth: AriAuth,
  ) {}

  /** The answer to one request for the metrics path. */
  async respond(req: IncomingMessage): Promise<AriResponse> {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      return errorResponse(405, 'Method Not Allowed', undefined, [['Allow', 'GET, HEAD']]);
    }
    if (this.source.requiresAuth) {
      const params = parseFormList(splitTarget(req.url ?? '').query);
      const user = authenticate(this.auth, flatHeaders(req.headers)['authorization'], params);
      if (user === undefined) {
        const challenge: [string, string] = ['WWW-Authenticate', `Basic realm="${this.auth.realm}"`];
        return errorResponse(401, 'Authentication required', undefined, [challenge]);
      }
    }
    const { contentType, text } = await this.source.render();
    // Node leaves the body out of the answer to HEAD; Content-Length stays that of GET (RFC 9110 §9.3.2).
    return { status: 200, reason: 'OK', headers: [], raw: { contentType, data: Buffer.from(text, 'utf8') } };
  }
}
