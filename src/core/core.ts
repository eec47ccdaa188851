import { NO_LIMITS } from '../config/asterisk-options.js';
import { Admission, machineProbes } from './admission.js';
import { SoftHangup } from './causes.js';
import { Endpoints } from './endpoints.js';
import { Channel, type ChannelHost } from './channel/channel.js';
import { ChannelRegistry } from './channel/channel-registry.js';
import type { ChannelState } from './channel/channel-state.js';
import type { ChannelTech } from './channel/channel-tech.js';
import type { DialplanLocation } from './channel/channel-snapshot.js';
import { channelInvalidState, channelNotFound, channelNotInStasis } from './errors.js';
import { EventBus, type EventRoute } from './events/event-bus.js';
import type { EventFields, EventType } from './events/event-types.js';
import type { ChannelDriver, DialplanPort } from './ports.js';
import { Stasis, controlOf } from './stasis/stasis.js';
import { StasisApps } from './stasis/stasis-apps.js';
import type { StasisControl } from './stasis/stasis-control.js';
import { SubscriptionIndex } from './stasis/subscription-index.js';
import { Variables } from './variables.js';
import { Bridges } from './bridge/bridges.js';
import { DeviceStates } from './device-states.js';
import { deviceStateFunction } from './device-state-function.js';
import { UnrealSequence } from './channel/unreal-sequence.js';
import { Mailboxes } from './mailboxes.js';
import { stopSilence } from './media/moh-control.js';
import { installTalkDetect } from './media/talk-detect.js';
import { Playbacks } from './playback/playbacks.js';
import { Recordings } from './recording/recordings.js';
import type { MediaPlane } from './media/media-plane.js';
import { nullMediaPlane } from './media/null-plane.js';
import { isUnansweredOutbound } from './channel/channel-state.js';
import { CallObservers } from './metrics/call-observers.js';

export interface CoreOptions {
  /** Entity id shown as `asterisk_id` on every event (MAC-like, e.g. 02:fc:00:00:00:01). */
  readonly asteriskId: string;
  /** ari.conf `channelvars`. */
  readonly channelvars?: readonly string[];
  /** ari.conf `pretty`. */
  readonly pretty?: boolean;
}

/** A dialplan that knows nothing: used until app.ts wires the real one. */
const NO_DIALPLAN: DialplanPort = {
  exists: () => false,
  findLabel: () => undefined,
  run: (channel) => {
    channel.destroy();
    return Promise.resolve();
  },
  addStasisContext: () => {},
};

/**
 * The telephony core: channels, Stasis applications, subscriptions and the event bus. It owns the
 * interfaces (ports.ts) that channel drivers and the dialplan implement, and imports neither.
 */
export class Core {
  readonly asteriskId: string;
  readonly startedAt = Date.now();
  readonly index = new SubscriptionIndex();
  readonly bus: EventBus;
  readonly apps: StasisApps;
  readonly stasis: Stasis;
  readonly channels = new ChannelRegistry();
  readonly variables: Variables;
  readonly bridges: Bridges;
  readonly deviceStates: DeviceStates;
  readonly mailboxes = new Mailboxes();
  /** Names of Local pairs and bridge media channels (unreal-sequence.ts). */
  readonly unrealSequence = new UnrealSequence();
  readonly playbacks: Playbacks = new Playbacks(this);
  readonly recordings: Recordings = new Recordings(this);
  readonly endpoints: Endpoints;
  /** The operator's view (logs, metrics): told of channels created and destroyed, Stasis starts and ends. */
  readonly observers: CallObservers;
  /** asterisk.conf maxcalls/maxload/minmemfree (and maxheapmb): whether a new call may start. */
  readonly admission = new Admission(
    NO_LIMITS,
    machineProbes(() => this.channels.size),
  );
  dialplan: DialplanPort = NO_DIALPLAN;
  /** The media plane (workers); a silent one until app.ts wires the real plane. */
  media: MediaPlane = nullMediaPlane();
  readonly #drivers = new Map<string, ChannelDriver>();
  readonly #host: ChannelHost;

  constructor(options: CoreOptions) {
    this.asteriskId = options.asteriskId;
    this.bus = new EventBus(options.asteriskId, this.index, options.pretty ?? false);
    this.apps = new StasisApps(
      this.index,
      () => this.bus,
      (name) => this.dialplan.addStasisContext(name),
    );
    this.stasis = new Stasis(this.apps, this.index, this.bus);
    this.variables = new Variables(() => this.bus);
    this.bridges = new Bridges(this.bus, this.stasis, () => this.media, this.unrealSequence);
    this.deviceStates = new DeviceStates(this.bus, (technology) => this.driver(technology) !== undefined);
    this.variables.registerFunction('DEVICE_STATE', deviceStateFunction(this.deviceStates));
    this.endpoints = new Endpoints(() => this.bus);
    this.observers = new CallObservers(this.channels);
    this.stasis.onStasis = (kind, channel, app) => this.observers.stasis(kind, channel, app);
    this.stasis.onLeave = (channel) => {
      this.bridges.leave(channel);
      // res_stasis.c: leaving Stasis stops a silence generator the app left running (music goes on).
      stopSilence(channel);
    };
    installTalkDetect(this);
    const channelvarNames = options.channelvars ?? [];
    this.#host = {
      publish: <T extends EventType>(type: T, fields: EventFields<T>, route: EventRoute) =>
        this.bus.publish(type, fields, route),
      reaches: (channel) => this.bus.reachesChannel(channel),
      channelvarNames,
      onStateChanged: (channel) => this.deviceStates.channelStateChanged(channel),
      onIndicated: (channel, indication) => this.deviceStates.channelIndicated(channel, indication),
      onDestroyed: (channel: Channel) => {
        this.channels.remove(channel);
        this.deviceStates.channelDestroyed(channel);
        this.index.drop('channel:' + channel.id);
        this.observers.channelDestroyed(channel);
      },
    };
  }

  registerDriver(driver: ChannelDriver): void {
    this.#drivers.set(driver.technology.toLowerCase(), driver);
  }

  /** Technology names compare case-insensitively, as Asterisk's channel type lookup does. */
  driver(technology: string): ChannelDriver | undefined {
    return this.#drivers.get(technology.toLowerCase());
  }

  /** Create a channel and publish ChannelCreated. Drivers call this. */
  newChannel(spec: {
    id: string;
    name: string;
    tech: ChannelTech;
    state: ChannelState;
    location: DialplanLocation;
    /** `Tech/resource` of the endpoint the channel belongs to (PJSIP): endpoint subscribers see its events. */
    endpoint?: string;
  }): Channel {
    const channel = new Channel(this.#host, spec.id, spec.name, spec.tech, spec.state, spec.location);
    if (spec.endpoint !== undefined) channel.endpoint = spec.endpoint;
    this.channels.add(channel);
    this.deviceStates.channelCreated(channel);
    channel.publish('ChannelCreated');
    this.observers.channelCreated(channel);
    return channel;
  }

  /**
   * 404 unless the channel exists; 409 unless it is in a Stasis application (§6.3). Like find_control, the channel
   * is found by id or name but its Stasis control by id only: a channel named rather than identified is 409.
   */
  requireInStasis(id: string): { channel: Channel; control: StasisControl } {
    const channel = this.channels.getByIdOrName(id);
    if (!channel) throw channelNotFound();
    const control = channel.id === id ? controlOf(channel) : undefined;
    if (!control) throw channelNotInStasis();
    return { channel, control };
  }

  /** requireInStasis, plus 412 while the channel is Down, Rsrvd or Ringing. */
  requireAnswerable(id: string): { channel: Channel; control: StasisControl } {
    const found = this.requireInStasis(id);
    if (isUnansweredOutbound(found.channel.state)) throw channelInvalidState();
    return found;
  }

  /** Hang every channel up (shutdown): Stasis channels get StasisEnd on the way out. */
  async hangupAll(cause = 16): Promise<void> {
    const all = [...this.channels.list()];
    for (const channel of all) channel.softHangup(SoftHangup.EXPLICIT, cause);
    // Let the owners (Stasis loops, dialplans) run their endings before the process goes.
    for (let i = 0; i < 20 && this.channels.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    for (const channel of [...this.channels.list()]) channel.destroy();
  }
}
