/**
 * POST /channels/externalMedia (resource_channels.c `ast_ari_channels_external_media`, Asterisk 22.10.1).
 *
 * Every parameter may come in the query or as a key of a JSON body (the body wins); `variables` only in the body.
 * The checks run in Asterisk's order, each with its words: the body's variables; `app`; the
 * encapsulation/transport pair (rtp/udp, audiosocket/tcp, none/websocket); `connection_type` server only with
 * websocket; `external_host` (required but for websocket servers, which get `INCOMING`; a websocket_client id
 * for websocket clients; `<host>:<port>` otherwise); `format`; `direction` (both/in/out, checked for every
 * transport); then the pair picks the dial string (a 501 for any other pair), and AudioSocket needs `data`.
 * These checks compare case-sensitively and the pick ignores case, as Asterisk's do.
 *
 * Any failure while the channel is requested is a 500 with the handler's own words: Asterisk overwrites the
 * more specific error of the originate it runs (an unknown format, an id in use, a host that does not resolve).
 * The reply is the channel's snapshot before the dial with `channelvars` holding all its variables (driver's and
 * request's), or no `channelvars` change when it has none.
 *
 * Beyond Asterisk: a true `UNICASTRTP_SYMMETRIC` request variable dials UnicastRTP with option `s` (symmetric
 * RTP: answer to where the app's packets come from, for apps behind NAT); Asterisk has no such switch.
 *
 * Beyond Asterisk: a websocket client's `external_host` may be a whole `ws://` or `wss://` URI when
 * websocket_client.conf `[general] allowed_per_call_hosts` allows its host; the channel dials
 * `WebSocket/<uri>/<transport_data>` (per-call query in `v()`, headers in `h()`, or the URI's own query). A
 * value that is neither a connection id nor an allowed URI gets Asterisk's 400, followed, for something written as
 * a URI, by why it is refused.
 */
import { astTrue } from '../../config/ari-config.js';
import { CoreError } from '../../core/errors.js';
import { RawJson } from '../../core/events/raw-json.js';
import { splitHostPort, startExternalMedia, type ExternalMediaStarted } from '../../core/external-media.js';
import type { Core } from '../../core/core.js';
import { checksPerCallUris } from '../../core/media/websocket-protocol.js';
import type { ArgsOf } from '../contract/args.js';
import { implement, type ResourceHandlers } from '../contract/implement.js';
import { AriError } from '../handler.js';
import type { Channel as ChannelModel } from '../models/wire.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.channels;

const RULES = {
  app: { missing: 'app cannot be empty' },
  encapsulation: { default: true },
  transport: { default: true },
  connection_type: { default: true },
} as const;

type Args = ArgsOf<typeof ops.externalMedia, typeof RULES>;

/** The directions the code accepts (the swagger lists only `both`). */
const DIRECTIONS: ReadonlySet<string> = new Set(['both', 'in', 'out']);
/** A websocket server's external_host when none is given. */
const INCOMING = 'INCOMING';
/** The request variable that asks for symmetric RTP on a UnicastRTP channel (not in Asterisk). */
export const UNICASTRTP_SYMMETRIC = 'UNICASTRTP_SYMMETRIC';

function badRequest(message: string): AriError {
  return new AriError(400, message);
}

/** Asterisk's words for a websocket client's external_host that names no connection. */
const NOT_A_CONNECTION_ID = 'external_host must be a valid websocket_client connection id.';

/** Anything written `scheme://…` is taken for a per-call URI (connection ids hold no `://`). */
const LOOKS_LIKE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** A websocket client's external_host: a connection id, or an allowed per-call URI; else the 400. */
function checkWebSocketClientHost(core: Core, host: string): void {
  const driver = core.driver('WebSocket');
  if (driver?.knowsResource?.(host) === true) return;
  if (!LOOKS_LIKE_URI.test(host)) throw badRequest(NOT_A_CONNECTION_ID);
  const problem =
    driver !== undefined && checksPerCallUris(driver) ? driver.perCallUriProblem(host) : 'per-call URIs are not served';
  if (problem !== undefined) throw badRequest(`${NOT_A_CONNECTION_ID} Per-call URI refused: ${problem}`);
}

/** Whether a websocket client's external_host is a per-call URI (written between angle brackets when dialled). */
function isPerCallUri(core: Core, args: Args, host: string): boolean {
  if (args.connection_type !== 'client' || !LOOKS_LIKE_URI.test(host)) return false;
  return core.driver('WebSocket')?.knowsResource?.(host) !== true;
}

/** Checks 3–11 of §1.2 in Asterisk's order; returns the external_host to dial. */
function checkedHost(core: Core, args: Args): string {
  const { encapsulation, transport, connection_type: connectionType } = args;
  if (transport === 'websocket' && encapsulation !== 'none') {
    throw badRequest("encapsulation must be 'none' for websocket transport");
  }
  if (encapsulation === 'rtp' && transport !== 'udp') throw badRequest("transport must be 'udp' for rtp encapsulation");
  if (encapsulation === 'audiosocket' && transport !== 'tcp') {
    throw badRequest("transport must be 'tcp' for audiosocket encapsulation");
  }
  if (transport !== 'websocket' && connectionType === 'server') {
    throw badRequest("'server' connection_type can only be used with the websocket transport");
  }
  let host = args.external_host ?? '';
  if (host === '') {
    if (connectionType === 'client')
      throw badRequest('external_host is required for all but websocket server connections');
    host = INCOMING;
  }
  if (transport === 'websocket') {
    // A websocket client dials a websocket_client.conf connection, which the WebSocket driver knows.
    if (connectionType === 'client') checkWebSocketClientHost(core, host);
  } else if (splitHostPort(host) === undefined) {
    throw badRequest('external_host must be <host>:<port> for all transports other than websocket');
  }
  if (!args.format) throw badRequest('format cannot be empty');
  if (args.direction && !DIRECTIONS.has(args.direction)) throw badRequest('Invalid direction specified');
  return host;
}

/** §1.3: the dial string of the pair (compared without case), or the 400/501 the pick itself answers. */
function dialString(core: Core, args: Args, host: string): string {
  const encapsulation = args.encapsulation.toLowerCase();
  const transport = args.transport.toLowerCase();
  if (encapsulation === 'rtp' && transport === 'udp') {
    const symmetric = args.variables?.some((v) => v.name === UNICASTRTP_SYMMETRIC && astTrue(v.value)) === true;
    return `UnicastRTP/${host}/c(${args.format})${symmetric ? 's' : ''}`;
  }
  if (encapsulation === 'audiosocket' && transport === 'tcp') {
    if (!args.data) throw badRequest('data can not be empty');
    return `AudioSocket/${host}/${args.data}`;
  }
  if (encapsulation === 'none' && transport === 'websocket') {
    // transport_data verbatim after a slash, then d(<direction>), behind its own slash when alone.
    const options = args.transport_data ? `/${args.transport_data}` : args.direction ? '/' : '';
    const resource = isPerCallUri(core, args, host) ? `<${host}>` : host;
    return `WebSocket/${resource}${options}${args.direction ? `d(${args.direction})` : ''}`;
  }
  throw new AriError(501, 'The encapsulation and/or transport is not supported');
}

/** The snapshot with `channelvars` replaced by all the channel's variables (left as it is when there are none). */
function reply(started: ExternalMediaStarted): RawJson<ChannelModel> {
  if (Object.keys(started.variables).length === 0) return started.snapshot;
  const model = JSON.parse(started.snapshot.json) as Record<string, unknown>;
  delete model.channelvars;
  return new RawJson<ChannelModel>(JSON.stringify({ ...model, channelvars: started.variables }));
}

/** Client-chosen channel ids longer than this are refused by originate (AST_MAX_PUBLIC_UNIQUEID). */
const MAX_PUBLIC_UNIQUEID = 149;

export const channelExternalMediaHandlers = {
  externalMedia: implement(ops.externalMedia, {
    params: RULES,
    handle: async (args, { core }) => {
      const dial = dialString(core, args, checkedHost(core, args));
      try {
        // The originate it makes refuses a longer id (Uniqueid length exceeds maximum), which this operation
        // reports as its generic 500.
        if (args.channelId !== undefined && args.channelId.length > MAX_PUBLIC_UNIQUEID) {
          throw new CoreError('BAD_REQUEST', 'Uniqueid length exceeds maximum');
        }
        const started = await startExternalMedia(core, {
          dialString: dial,
          app: args.app,
          format: args.format!,
          ...(args.data ? { data: args.data } : {}),
          ...(args.channelId ? { channelId: args.channelId } : {}),
          ...(args.variables ? { variables: args.variables } : {}),
        });
        return reply(started);
      } catch (err) {
        if (!(err instanceof CoreError)) throw err;
        throw new AriError(500, 'An internal error prevented this request from being handled', 'Internal Server Error');
      }
    },
  }),
} satisfies Partial<ResourceHandlers<'channels'>>;
