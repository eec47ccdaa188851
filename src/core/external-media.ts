/**
 * ARI externalMedia's core flow (resource_channels.c `ast_ari_channels_external_media` and the originate it
 * runs): the channel is requested synchronously from the technology the dial string names (UnicastRTP,
 * AudioSocket, WebSocket: whichever driver is registered), its request variables are set, the reply is built
 * from its snapshot, and only then is it dialed in the background with a 30 s answer timeout; once answered it
 * runs `Stasis(app[,data])`, so `data` arrives as StasisStart's `args`.
 *
 * Facts this follows (Asterisk 22.10.1, trace s3 and resource_channels.c):
 * - The request happens inside the HTTP request: a UnicastRTP socket is bound, an AudioSocket connected, before
 *   the reply. Any failure there is a 500 (the handler's words), whatever the helper reported.
 * - Request variables are set before the application is subscribed to the channel, so it sees no ChannelVarset
 *   for them; the reply's `channelvars` lists every channel variable, newest first (Asterisk's variable list).
 * - The reply's snapshot is taken before the dial: the channel is `Down`, at `AppDial2` `(Outgoing Line)`.
 *
 * A technology that wants to know the application and args before the answer (WebSocket channels put them in
 * MEDIA_START, which precedes the answer) is told them once the request variables are set.
 */
import type { Channel as ChannelModel } from '../ari/models/wire.js';
import { applyVariables, dialInBackground, prepare, runStasisThenFinish, type VariableAssignment } from './calls.js';
import type { Channel } from './channel/channel.js';
import type { Core } from './core.js';
import { CoreError } from './errors.js';
import type { RawJson } from './events/raw-json.js';
import { awaitsStasis } from './media/websocket-protocol.js';
import { splitAppArgs } from '../util/app-args.js';
import { requestChannel, whenRequested } from './outbound.js';

/** externalMedia passes timeout 0 to the originate, which dials for 30 s (resource_channels.c). */
export const EXTERNAL_MEDIA_DIAL_TIMEOUT_MS = 30_000;

/** What externalMedia asks of the core once its parameters are checked. */
export interface ExternalMediaRequest {
  /** `Tech/resource` as §1.3 builds it, e.g. `UnicastRTP/127.0.0.1:4000/c(ulaw)`. */
  readonly dialString: string;
  readonly app: string;
  /** The Stasis application arguments (`data`): `Stasis(app,data)`. */
  readonly data?: string;
  readonly channelId?: string;
  /** The `format` parameter: the capability the channel is requested with (comma-separated names). */
  readonly format: string;
  readonly variables?: readonly VariableAssignment[];
}

/** The requested channel, its snapshot before the dial, and all its variables at that moment. */
export interface ExternalMediaStarted {
  readonly channel: Channel;
  readonly snapshot: RawJson<ChannelModel>;
  readonly variables: Readonly<Record<string, string>>;
}

/**
 * `host:port` split as `ast_sockaddr_split_hostport` does with the port required: `[v6]:port`, or exactly one
 * colon. The parts may be empty (`host:` passes here and fails when the channel is requested).
 */
export function splitHostPort(text: string): { host: string; port: string } | undefined {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1 || text[close + 1] !== ':') return undefined;
    return { host: text.slice(1, close), port: text.slice(close + 2) };
  }
  const colon = text.indexOf(':');
  if (colon === -1 || text.indexOf(':', colon + 1) !== -1) return undefined;
  return { host: text.slice(0, colon), port: text.slice(colon + 1) };
}

/** Every variable of the channel, the latest set first, as Asterisk lists a channel's variables. */
export function channelVariables(channel: Channel): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of [...channel.vars].reverse()) out[name] = value;
  return out;
}

/**
 * Request the channel and prepare it; the dial starts on the next turn, after the caller has replied. Throws a
 * CoreError for every failure (an unknown format or technology, an id in use or too long, a destination that
 * does not resolve, a socket that does not bind or connect); the channel is then gone.
 */
export async function startExternalMedia(core: Core, r: ExternalMediaRequest): Promise<ExternalMediaStarted> {
  // ari_channels_handle_originate_with_id: the format is the capability, each name looked up in the format
  // cache, which ignores case.
  const formats = r.format.split(',').map((name) => name.trim().toLowerCase());
  prepare(core, { endpoint: r.dialString, formats });
  const channel = requestChannel(core, r.dialString, { id: r.channelId || core.channels.allocateId(), formats });
  if (!(await whenRequested(channel))) {
    channel.destroy();
    throw new CoreError('INTERNAL', 'Allocation failed');
  }
  channel.setLocation({ appName: 'AppDial2', appData: '(Outgoing Line)' });
  applyVariables(core, channel, r.variables);
  if (awaitsStasis(channel.tech)) channel.tech.expectStasis(r.app, r.data ? splitAppArgs(r.data) : []);
  const app = core.apps.get(r.app);
  if (app) core.stasis.subscribe(app, channel);
  const started = { channel, snapshot: channel.snapshot(), variables: channelVariables(channel) };
  dialInBackground(core, channel, EXTERNAL_MEDIA_DIAL_TIMEOUT_MS, r.dialString, () =>
    runStasisThenFinish(core, channel, r.app, r.data || undefined),
  );
  return started;
}
