import { awaitsStasis } from './media/websocket-protocol.js';
import { SoftHangup } from './causes.js';
import { KNOWN_FORMAT_NAMES } from './media/format-names.js';
import { splitAppArgs } from '../util/app-args.js';
import type { Channel } from './channel/channel.js';
import { parseCallerId } from './channel/party-id.js';
import type { Core } from './core.js';
import { CoreError, badRequest } from './errors.js';
import { dialChannel, parseEndpoint, pendingRequest, requestChannel } from './outbound.js';
import type { ContinueTarget } from './stasis/stasis-control.js';

/** One entry of a `variables` body: `NAME: "value"` or `NAME: {value, report_events}`. */
export interface VariableAssignment {
  readonly name: string;
  readonly value: string;
  readonly reportEvents: boolean;
}

export interface OutboundParams {
  readonly endpoint: string;
  readonly app?: string;
  readonly appArgs?: string;
  readonly channelId?: string;
  readonly otherChannelId?: string;
  readonly originator?: string;
  readonly formats?: readonly string[];
  readonly variables?: readonly VariableAssignment[];
}

export interface OriginateParams extends OutboundParams {
  readonly extension?: string;
  readonly context?: string;
  readonly priority?: number;
  readonly label?: string;
  readonly callerId?: string;
  /** Seconds; -1 waits forever; 0 or other negatives mean the default 30 (§6.5). */
  readonly timeout?: number;
}

/** Stasis `app_data` as the dialplan shows it: `app,args`. */
function stasisAppData(app: string, appArgs: string | undefined): string {
  return appArgs ? `${app},${appArgs}` : app;
}

/** `appArgs` as Stasis() reads them: `Stasis(app,<appArgs>)` splits with quotes and escapes respected. */
function splitArgs(appArgs: string | undefined): string[] {
  return appArgs ? splitAppArgs(appArgs) : [];
}

/** Checks shared by originate, create and externalMedia (resource_channels.c), in Asterisk's order. */
export function prepare(core: Core, p: OutboundParams): { originator?: Channel } {
  if (p.originator && p.formats?.length) throw badRequest("Originator and formats can't both be specified");
  if (!parseEndpoint(p.endpoint)) throw new CoreError('INVALID_ENDPOINT', 'Invalid endpoint specified');
  return lookUpOriginator(core, p, true);
}

/** The `originator` channel (ast_channel_get_by_name); originate refuses one not found, create goes on without. */
function lookUpOriginator(core: Core, p: OutboundParams, required: boolean): { originator?: Channel } {
  let originator: Channel | undefined;
  if (p.originator) {
    originator = core.channels.getByIdOrName(p.originator);
    if (!originator && required) throw badRequest('Provided originator channel was not found');
  }
  // Formats count only without an originator, whose formats are used instead.
  if (!originator) checkFormats(p.formats);
  return originator ? { originator } : {};
}

function checkFormats(formats: readonly string[] | undefined): void {
  for (const format of formats ?? []) {
    if (!KNOWN_FORMAT_NAMES.has(format)) throw badRequest(`Provided format (${format}) was not found`);
  }
}

/**
 * A `formats` list as resource_channels.c reads it: absent when empty; each name stripped, and looked up in the
 * format cache without regard to case (`ULAW` is ulaw). An unknown name is kept as given (stripped) for the 400.
 */
export function parseFormats(list: string | undefined): string[] | undefined {
  if (!list) return undefined;
  return list.split(',').map((raw) => {
    const name = raw.trim();
    const known = name.toLowerCase();
    return KNOWN_FORMAT_NAMES.has(known) ? known : name;
  });
}

/** Client-chosen ids longer than this are refused by originate (AST_MAX_PUBLIC_UNIQUEID). */
const MAX_PUBLIC_UNIQUEID = 149;
/** What a channel keeps of a longer id given to create (the AST_MAX_UNIQUEID buffer less its terminator). */
const MAX_KEPT_UNIQUEID = MAX_PUBLIC_UNIQUEID + 2;

/** A label as originate and continue read it: a number is a priority (sscanf %d), else a label of the extension. */
export function labelPriority(core: Core, context: string, exten: string, label: string): number {
  const numeric = /^\s*[+-]?\d+/.exec(label);
  const priority = numeric ? Number.parseInt(numeric[0], 10) : core.dialplan.findLabel(context, exten, label);
  if (priority === undefined) throw new CoreError('NOT_FOUND', 'Requested label can not be found');
  if (priority === 0) throw badRequest('Requested priority is illegal');
  return priority;
}

/**
 * The ids of an originate/create: the caller's, else fresh ones. A Local pair honours `otherChannelId` only
 * with `channelId` (core_unreal.c: else `;2` gets a uniqueid of its own, allocated after `;1`'s); any other
 * technology is handed both for the conflict check whatever it uses.
 */
function idsOf(core: Core, p: OutboundParams): { id: string; otherId?: string } {
  const id = p.channelId || core.channels.allocateId();
  if (p.channelId) return p.otherChannelId ? { id, otherId: p.otherChannelId } : { id };
  if (parseEndpoint(p.endpoint)?.tech.toLowerCase() === LOCAL_TECH) return { id, otherId: core.channels.allocateId() };
  return p.otherChannelId ? { id, otherId: p.otherChannelId } : { id };
}

const LOCAL_TECH = 'local';

/** The driver request for originate/create: ids, formats and originator as the caller gave them. */
function requestFor(
  core: Core,
  p: OutboundParams,
  ids: { id: string; otherId?: string },
  extra: { originator?: Channel },
): Channel {
  return requestChannel(core, p.endpoint, { ...ids, ...(p.formats ? { formats: p.formats } : {}), ...extra });
}

/**
 * Set the `variables` body on a new channel. Values are set now; `report_events` takes effect only after the
 * response snapshot (trace s3: the 200 and the ChannelVarset events do not list B yet, StasisStart does).
 */
export function applyVariables(core: Core, channel: Channel, vars: readonly VariableAssignment[] | undefined): void {
  for (const v of vars ?? []) core.variables.write(channel, v.name, v.value);
  const reported = (vars ?? []).filter((v) => v.reportEvents);
  if (reported.length === 0) return;
  setImmediate(() => {
    for (const v of reported) channel.reportedVars.add(v.name);
    channel.touch();
  });
}

/**
 * After Stasis: back to the application it had before, then either on into the dialplan (continue) or
 * hung up — the owner of an ARI-made channel is this code, not a dialplan.
 */
export async function runStasisThenFinish(core: Core, channel: Channel, app: string, appArgs?: string): Promise<void> {
  const before = { appName: channel.location.appName, appData: channel.location.appData };
  channel.setLocation({ appName: 'Stasis', appData: stasisAppData(app, appArgs) });
  const outcome = await core.stasis.exec(channel, app, splitArgs(appArgs));
  channel.setLocation(before, { silent: true });
  if (outcome.status === 'SUCCESS' && outcome.continueAt && !channel.isHangupRequested) {
    await core.dialplan.run(channel, outcome.continueAt);
    return;
  }
  channel.destroy();
}

/** POST /channels: make the channel, answer 200 with its Down snapshot, dial in the background (§6.5). */
export function originate(core: Core, p: OriginateParams): Channel | Promise<Channel> {
  // ari_channels_handle_originate_with_id's order: id lengths, endpoint, originator with formats, the endpoint's
  // form, the application or extension (label), then the originator and the formats themselves.
  for (const id of [p.channelId, p.otherChannelId]) {
    if (id && id.length > MAX_PUBLIC_UNIQUEID) {
      throw badRequest(`Uniqueid length exceeds maximum of ${MAX_PUBLIC_UNIQUEID}`);
    }
  }
  if (!p.endpoint) throw badRequest('Endpoint must be specified');
  if (p.originator && p.formats?.length) throw badRequest("Originator and formats can't both be specified");
  if (!parseEndpoint(p.endpoint)) throw new CoreError('INVALID_ENDPOINT', 'Invalid endpoint specified');
  if (!p.app && !p.extension) throw badRequest('Application or extension must be specified');
  let target: ContinueTarget | undefined;
  if (!p.app && p.extension) {
    const context = p.context || 'default';
    let priority = p.priority && p.priority > 0 ? p.priority : 1;
    if (p.label) priority = labelPriority(core, context, p.extension, p.label);
    target = { context, exten: p.extension, priority };
  }
  const extra = lookUpOriginator(core, p, true);
  const ids = idsOf(core, p);
  return afterRequest(requestFor(core, p, ids, extra), (channel) => {
    channel.setLocation({ appName: 'AppDial2', appData: '(Outgoing Line)' });
    if (p.callerId) {
      const party = parseCallerId(p.callerId);
      channel.setCaller(party);
      channel.setConnected(party);
    }
    const app = p.app ? core.apps.get(p.app) : undefined;
    if (app) {
      core.stasis.subscribe(app, channel);
      const peer = core.channels.get(ids.otherId ?? `${ids.id};2`);
      if (peer) core.stasis.subscribe(app, peer);
    }
    applyVariables(core, channel, p.variables);
    // A WebSocket media channel names its future application in MEDIA_START (`m`), sent before the answer.
    if (p.app && awaitsStasis(channel.tech)) channel.tech.expectStasis(p.app, splitArgs(p.appArgs));
    const timeoutMs = p.timeout === -1 ? 0 : (p.timeout && p.timeout > 0 ? p.timeout : 30) * 1000;
    dialInBackground(core, channel, timeoutMs, p.endpoint, () =>
      p.app ? runStasisThenFinish(core, channel, p.app, p.appArgs) : core.dialplan.run(channel, target!),
    );
    return channel;
  });
}

/**
 * Go on with a requested channel: at once when its driver finished the request synchronously (every driver
 * but the external media ones), else once the driver reports (a TCP connect, a DNS lookup). A request that
 * failed is Asterisk's failed `ast_request`: the channel is gone and the operation answers 500.
 */
export function afterRequest(channel: Channel, next: (channel: Channel) => Channel): Channel | Promise<Channel> {
  const pending = pendingRequest(channel);
  if (pending === undefined) return next(channel);
  return pending.then((ok) => {
    if (!ok || channel.isDestroyed) {
      channel.destroy();
      throw new CoreError('REQUEST_FAILED', 'Allocation failed');
    }
    return next(channel);
  });
}

/**
 * The dial of an originated channel (ari_originate_dial on its detached thread): from the next turn, so the 200
 * goes out first; every Dial event repeats the dial string; answered, `onAnswer` owns the channel, else it is gone.
 */
export function dialInBackground(
  core: Core,
  channel: Channel,
  timeoutMs: number,
  endpoint: string,
  onAnswer: () => Promise<void>,
): void {
  const dialstring = parseEndpoint(endpoint)!.resource;
  setImmediate(() => {
    void dialChannel(core, channel, timeoutMs, dialstring, undefined, true).then((status) =>
      status === 'ANSWER' ? onAnswer() : channel.destroy(),
    );
  });
}

/** POST /channels/create: the channel enters Stasis at once, Down, and waits for /dial (§6.6). */
export function create(core: Core, p: OutboundParams & { app: string }): Channel | Promise<Channel> {
  // ast_ari_channels_create's order: originator with formats, endpoint, its form; an originator that is not
  // found is no error here. Ids are not length-checked: the channel keeps what fits.
  if (p.originator && p.formats?.length) throw badRequest("Originator and formats can't both be specified");
  if (!p.endpoint) throw badRequest('Endpoint must be specified');
  if (!parseEndpoint(p.endpoint)) throw new CoreError('INVALID_ENDPOINT', 'Invalid endpoint specified');
  const extra = lookUpOriginator(core, p, false);
  const kept = (id: string | undefined) => id?.slice(0, MAX_KEPT_UNIQUEID);
  const q = { ...p, channelId: kept(p.channelId), otherChannelId: kept(p.otherChannelId) };
  return afterRequest(requestFor(core, q, idsOf(core, q), extra), (channel) => {
    channel.madeByCreate = true;
    const app = core.apps.get(p.app);
    if (app) {
      core.stasis.subscribe(app, channel);
      if (extra.originator) core.stasis.subscribe(app, extra.originator);
    }
    applyVariables(core, channel, p.variables);
    setImmediate(() => void runStasisThenFinish(core, channel, p.app, p.appArgs));
    return channel;
  });
}

/** POST /channels/{id}/dial: call a channel made by /create; 409 unless it is Down and ours (§6.6). */
export function dialCreated(core: Core, channelId: string, timeoutSec: number, callerId?: string): void {
  const { channel, control } = core.requireInStasis(channelId);
  if (channel.state !== 'Down' && channel.state !== 'Rsrvd') {
    throw new CoreError('CHANNEL_NOT_DIALABLE', "Channel is not in the 'Down' state");
  }
  if (!channel.madeByCreate) throw new CoreError('CHANNEL_NOT_DIALABLE', 'Dialing a channel not created by ARI');
  channel.madeByCreate = false;
  const caller = callerId ? core.channels.getByIdOrName(callerId) : undefined;
  if (caller) channel.setConnected({ name: caller.caller.name, number: caller.caller.number });
  const dialstring = dialstringOf(channel);
  void control.run(async () => {
    const timeoutMs = timeoutSec > 0 ? timeoutSec * 1000 : 0;
    const status = await dialChannel(core, channel, timeoutMs, dialstring, undefined, false, true);
    // A call that could not be placed is hung up (app_control_dial), and the dial timeout is the channel's own
    // hangup time (set_timeout). Busy and congestion are only indications: the channel stays in Stasis, Down,
    // until the application hangs it up. A callee that hung up is already on its way out.
    if ((status === 'CHANUNAVAIL' || status === 'TIMEOUT') && !channel.isHangupRequested) {
      channel.softHangup(SoftHangup.EXPLICIT);
    }
  });
}

/** The resource part of a channel's name, e.g. `wait@default` for `Local/wait@default-00000002;1`. */
function dialstringOf(channel: Channel): string {
  const afterTech = channel.name.slice(channel.name.indexOf('/') + 1);
  const dash = afterTech.lastIndexOf('-');
  return dash > 0 ? afterTech.slice(0, dash) : afterTech;
}
