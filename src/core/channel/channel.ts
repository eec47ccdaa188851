import type { Channel as ChannelModel } from '../../ari/models/wire.js';
import { Cause, causeText } from '../causes.js';
import type { MediaLeg } from '../media/media-plane.js';
import type { MediaEvent } from '../media/media-protocol.js';
import type { ControlIndication, Frame } from '../frame.js';
import { RawJson } from '../events/raw-json.js';
import type { EventRoute } from '../events/event-bus.js';
import type { ChannelEventFields, ChannelEventType, EventFields, EventType } from '../events/event-types.js';
import type { ChannelState } from './channel-state.js';
import type { ChannelTech } from './channel-tech.js';
import { emptyParty, type PartyId } from './party-id.js';
import { snapshotJson, type DialplanLocation } from './channel-snapshot.js';

/** Frames kept for the next reader at most (Answer()'s wait keeps one). */
const MAX_UNREAD = 16;

/** What a channel needs from the core around it. */
export interface ChannelHost {
  publish<T extends EventType>(type: T, fields: EventFields<T>, route: EventRoute): void;
  /** ari.conf `channelvars`: shown in every snapshot, "" when unset. */
  readonly channelvarNames: readonly string[];
  onDestroyed(channel: Channel): void;
  /** The state changed (after ChannelStateChange): its device is re-evaluated (ast_setstate). */
  onStateChanged?(channel: Channel): void;
  /** An indication is about to go to the device (hold marks the channel held for its device state). */
  onIndicated?(channel: Channel, indication: ControlIndication): void;
  /** Whether an event about `channel` would reach any application (when false it is not built at all). */
  reaches?(channel: Channel): boolean;
}

/** The consumer of frames read from a channel: the running dialplan application or Stasis. */
export type FrameReader = (frame: Frame) => void;

/**
 * One call leg (Asterisk `ast_channel`): identity, state, dialplan location, variables and the
 * hangup lifecycle. Every observable change publishes the event Asterisk publishes for it.
 */
export class Channel {
  state: ChannelState;
  readonly caller: PartyId = emptyParty();
  readonly connected: PartyId = emptyParty();
  accountcode = '';
  language = 'en';
  protocolId = '';
  readonly creationtime = Date.now();
  readonly location: DialplanLocation;
  readonly vars = new Map<string, string>();
  /** Variables set with report_events=true: shown in `channelvars` of later snapshots. */
  readonly reportedVars = new Set<string>();
  hangupCause = 0;
  /** The technology's own cause (a SIP status for PJSIP), reported as `tech_cause` when not 0. */
  techCause = 0;
  isHangupRequested = false;
  /** Whether the latest hangup request was a soft hangup (the dialplan adds its own otherwise). */
  lastHangupWasSoft = false;
  isDestroyed = false;
  /** Made by POST /channels/create (only those can be dialed with /dial). */
  madeByCreate = false;
  /** True while a dialplan (PBX) runs on the channel. */
  hasPbx = false;
  mutedIn = false;
  mutedOut = false;
  /** The Stasis control while the channel is in a Stasis application (set by core/stasis). */
  stasis: unknown = undefined;
  /** `Tech/resource` of the channel's endpoint (PJSIP channels), undefined for Local and the like. */
  endpoint: string | undefined = undefined;
  /** The bridge the channel is in, if any (set by core/bridge). */
  bridge: unknown = undefined;
  #reader: FrameReader | undefined = undefined;
  /** Frames handed back by a reader (Answer()'s wait, __ast_answer): the next reader gets them first. */
  #unread: Frame[] = [];

  get reader(): FrameReader | undefined {
    return this.#reader;
  }

  /** Who reads the frames (`ast_read`); kept frames go to it after the caller's setup (StasisStart first). */
  set reader(reader: FrameReader | undefined) {
    this.#reader = reader;
    if (reader !== undefined && this.#unread.length > 0) queueMicrotask(() => this.#deliverUnread());
  }

  /** Hand frames back to be read again by the next reader (they were published when first read). */
  unread(frames: readonly Frame[]): void {
    this.#unread.push(...frames.slice(0, MAX_UNREAD - this.#unread.length));
    if (this.#reader !== undefined) queueMicrotask(() => this.#deliverUnread());
  }

  #deliverUnread(): void {
    let frame: Frame | undefined;
    while (this.#reader && !this.isDestroyed && (frame = this.#unread.shift())) this.#reader(frame);
  }

  #media: MediaLeg | undefined;
  /** Opens the channel's media on first use (a Local pair's, which most control-only calls never need). */
  #openMedia: (() => void) | undefined;
  #linkTo: Channel | MediaLeg | undefined;
  readonly #linkedFrom = new Set<Channel>();
  readonly #attachWaiters: Array<(leg: MediaLeg) => void> = [];
  /** Listeners for control frames coming from the device (used while dialing). */
  readonly controlListeners = new Set<(indication: ControlIndication) => void>();

  #snapshot: string | undefined;
  #hangupPromise: Promise<void>;
  #resolveHangup!: () => void;

  constructor(
    readonly host: ChannelHost,
    readonly id: string,
    readonly name: string,
    readonly tech: ChannelTech,
    state: ChannelState,
    location: DialplanLocation,
  ) {
    this.state = state;
    this.location = location;
    this.#hangupPromise = new Promise((resolve) => (this.#resolveHangup = resolve));
  }

  /** The Channel model as cached JSON, rebuilt only after a change. */
  snapshot(): RawJson<ChannelModel> {
    this.#snapshot ??= snapshotJson(this);
    return new RawJson(this.#snapshot);
  }

  toJSON(): unknown {
    return JSON.parse(this.snapshot().json) as unknown;
  }

  /** Mark the snapshot stale after a direct change to a field. */
  touch(): void {
    this.#snapshot = undefined;
  }

  /** Publish an event about this channel; its snapshot is added as `channel`. */
  publish<T extends ChannelEventType>(
    type: T,
    ...fields: Partial<ChannelEventFields<T>> extends ChannelEventFields<T>
      ? [ChannelEventFields<T>?]
      : [ChannelEventFields<T>]
  ): void {
    if (this.host.reaches?.(this) === false) return;
    const all = { ...fields[0], channel: this.snapshot() } as unknown as EventFields<T>;
    this.host.publish(type, all, { channels: [this] });
  }

  setState(state: ChannelState): void {
    if (state === this.state) return;
    this.state = state;
    this.touch();
    this.publish('ChannelStateChange');
    this.host.onStateChanged?.(this);
  }

  /**
   * Move to a dialplan location/application. ChannelDialplan fires when context, extension or priority
   * changed, or the application went from none to some, and only when an application is set
   * (res/stasis app.c channel_dialplan; traces s1/s5).
   */
  setLocation(next: Partial<DialplanLocation>, options: { silent?: boolean } = {}): void {
    const loc = this.location;
    const moved =
      (next.context !== undefined && next.context !== loc.context) ||
      (next.exten !== undefined && next.exten !== loc.exten) ||
      (next.priority !== undefined && next.priority !== loc.priority);
    const appStarted = loc.appName === '' && next.appName !== undefined && next.appName !== '';
    Object.assign(loc, next);
    this.touch();
    if (!options.silent && (moved || appStarted) && loc.appName !== '') {
      this.publish('ChannelDialplan', { dialplan_app: loc.appName, dialplan_app_data: loc.appData });
    }
  }

  getVariable(name: string): string | undefined {
    return this.vars.get(name);
  }

  /** Set (or, with undefined, unset) a channel variable; publishes ChannelVarset like pbx_builtin_setvar. */
  setVariable(name: string, value: string | undefined, reportEvents = false): void {
    if (value === undefined) this.vars.delete(name);
    else this.vars.set(name, value);
    if (reportEvents) this.reportedVars.add(name);
    if (reportEvents || this.reportedVars.has(name) || this.host.channelvarNames.includes(name)) this.touch();
    this.publish('ChannelVarset', { variable: name, value: value ?? '' });
  }

  setCaller(party: Partial<PartyId>): void {
    Object.assign(this.caller, party);
    this.touch();
    this.publish('ChannelCallerId', {
      caller_presentation: 0,
      caller_presentation_txt: 'Presentation Allowed, Not Screened',
    });
  }

  setConnected(party: Partial<PartyId>): void {
    Object.assign(this.connected, party);
    this.touch();
    this.publish('ChannelConnectedLine');
  }

  /** Resolves once a hangup has been requested (or the channel is gone). */
  whenHangup(): Promise<void> {
    return this.#hangupPromise;
  }

  /**
   * A hangup queued by the technology or the peer (`ast_queue_hangup_with_cause`): ChannelHangupRequest
   * carries the Q.850 cause and no `soft` flag.
   */
  queueHangup(cause: number, techCause?: number): void {
    if (this.isDestroyed) return;
    if (this.hangupCause === 0) this.hangupCause = cause;
    this.lastHangupWasSoft = false;
    if (techCause === undefined) this.publish('ChannelHangupRequest', { cause });
    else {
      // A technology that reports its own cause (chan_pjsip) leaves out whichever field is 0: a BYE without a
      // Reason header gives `{}` (sip-reference §2.3).
      if (techCause !== 0) this.techCause = techCause;
      const fields: Record<string, number> = {};
      if (cause !== 0) fields.cause = cause;
      if (techCause !== 0) fields.tech_cause = techCause;
      this.publish('ChannelHangupRequest', fields);
    }
    this.#requested();
  }

  /**
   * A soft hangup (`ast_softhangup`): the event's `cause` is the soft-hangup flag (32 for an explicit
   * ARI hangup, 16 when the dialplan ends the call), with `soft: true` (semantics.md §4.4).
   */
  softHangup(flag: number, cause?: number): void {
    if (this.isDestroyed) return;
    if (cause !== undefined) this.hangupCause = cause;
    this.lastHangupWasSoft = true;
    const fields: Record<string, unknown> = { cause: flag, soft: true };
    if (this.techCause !== 0) fields.tech_cause = this.techCause;
    this.publish('ChannelHangupRequest', fields);
    this.#requested();
  }

  #requested(): void {
    this.isHangupRequested = true;
    this.#resolveHangup();
  }

  /** Release the channel: tell the technology, publish ChannelDestroyed, forget it. Idempotent. */
  destroy(): void {
    if (this.isDestroyed) return;
    this.isDestroyed = true;
    this.isHangupRequested = true;
    this.reader = undefined;
    this.#unread.length = 0;
    this.controlListeners.clear();
    this.tech.hangup(this);
    this.linkAudio(undefined);
    for (const source of [...this.#linkedFrom]) source.linkAudio(undefined);
    this.#openMedia = undefined;
    this.#media?.close();
    // An answered call that ends without a cause (the dialplan ran off its end) is Normal Clearing;
    // the peer was told the raw cause (0), as Asterisk's queued hangup shows (trace s3 `k1`).
    if (this.hangupCause === 0 && this.state === 'Up' && !this.tech.keepsUnknownCause) this.hangupCause = 16;
    this.publish('ChannelDestroyed', {
      cause: this.hangupCause,
      cause_txt: causeText(this.hangupCause),
      ...(this.techCause !== 0 && { tech_cause: this.techCause }),
    });
    this.host.onDestroyed(this);
    this.#resolveHangup();
  }

  /** A frame from the device (`ast_read`). DTMF ends are published as ChannelDtmfReceived when read. */
  receive(frame: Frame): void {
    if (this.isDestroyed) return;
    switch (frame.kind) {
      case 'dtmf-begin':
        this.reader?.(frame);
        return;
      case 'dtmf-end':
        if (this.reader) this.publish('ChannelDtmfReceived', { digit: frame.digit, duration_ms: frame.durationMs });
        this.reader?.(frame);
        return;
      case 'control':
        for (const listener of [...this.controlListeners]) listener(frame.indication);
        this.reader?.(frame);
        return;
    }
  }

  /** A frame toward the device (`ast_write`). */
  write(frame: Frame): void {
    if (this.isDestroyed) return;
    this.tech.write(this, frame);
  }

  /** ARI mute/unmute: `in` drops voice read from the device, `out` voice written to it (§6.8). */
  setMuted(direction: 'in' | 'out' | 'both', muted: boolean): void {
    if (direction !== 'out') this.mutedIn = muted;
    if (direction !== 'in') this.mutedOut = muted;
    this.#media?.send({ op: 'mute', in: this.mutedIn, out: this.mutedOut });
  }

  /**
   * Give the channel its media (drivers call this once the plane has it open): DTMF from the device comes back
   * as frames, and the mute state and links set before now take effect.
   */
  attachMedia(leg: MediaLeg): void {
    this.#openMedia = undefined;
    this.#media = leg;
    leg.onEvent = (event) => {
      if (event.ev === 'dtmf-begin') this.receive({ kind: 'dtmf-begin', digit: event.digit });
      else if (event.ev === 'dtmf-end')
        this.receive({ kind: 'dtmf-end', digit: event.digit, durationMs: event.durationMs });
      // The media worker died: a channel without its media cannot go on (a network failure to its users).
      else if (event.ev === 'media-lost') this.queueHangup(Cause.FAILURE);
      else for (const listener of this.#mediaListeners) listener(event);
    };
    if (this.mutedIn || this.mutedOut) leg.send({ op: 'mute', in: this.mutedIn, out: this.mutedOut });
    this.#applyLink();
    for (const source of this.#linkedFrom) source.#applyLink();
    for (const waiter of this.#attachWaiters.splice(0)) waiter(leg);
  }

  readonly #mediaListeners = new Set<(event: MediaEvent) => void>();

  /**
   * Media events other than DTMF (playback progress, recording, talk detection) for the core features that asked
   * for them; returns the function that stops listening.
   */
  onMediaEvent(listener: (event: MediaEvent) => void): () => void {
    this.#mediaListeners.add(listener);
    return () => this.#mediaListeners.delete(listener);
  }

  /** Audio read from this channel goes to `target` (a bridge peer, itself for Echo), or nowhere. */
  linkAudio(target: Channel | MediaLeg | undefined): void {
    if (this.#linkTo === target) return;
    if (this.#linkTo instanceof Channel) this.#linkTo.#linkedFrom.delete(this);
    this.#linkTo = target;
    if (target instanceof Channel) target.#linkedFrom.add(this);
    this.#applyLink();
  }

  /** Call `use` with the channel's media once it is open (now, if it is). */
  whenMedia(use: (leg: MediaLeg) => void): void {
    const leg = this.media;
    if (leg !== undefined) use(leg);
    else if (!this.isDestroyed) this.#attachWaiters.push(use);
  }

  get audioLink(): Channel | MediaLeg | undefined {
    return this.#linkTo;
  }

  #applyLink(): void {
    if (this.#linkTo === undefined) {
      this.#media?.send({ op: 'link', to: undefined });
      return;
    }
    const to = this.#linkTo instanceof Channel ? this.#linkTo.media : this.#linkTo;
    this.media?.send({ op: 'link', to: to?.id, ...(to && { worker: to.worker }) });
  }

  /**
   * The channel's media in the media plane: opened by its driver (RTP at call setup), or on first use when the
   * driver left an opener (`lazyMedia`). Undefined while there is none (a PJSIP call before its RTP is bound).
   */
  get media(): MediaLeg | undefined {
    if (this.#media === undefined && this.#openMedia !== undefined && !this.isDestroyed) {
      const open = this.#openMedia;
      this.#openMedia = undefined;
      open();
    }
    return this.#media;
  }

  /** Whether the channel's media is open (without opening it). */
  get hasMedia(): boolean {
    return this.#media !== undefined;
  }

  /** Open the channel's media only when something needs it: `open` must call attachMedia. */
  lazyMedia(open: () => void): void {
    if (this.#media === undefined) this.#openMedia = open;
  }

  indicate(indication: ControlIndication): void {
    if (this.isDestroyed) return;
    this.host.onIndicated?.(this, indication);
    this.tech.indicate(this, indication);
  }

  /** Answer (`ast_answer`): the device is told, the state goes Up. */
  answer(): void {
    if (this.isDestroyed || this.state === 'Up') return;
    // The state changes before the far side hears of it: `;2 Up` precedes `;1 Up` in trace s1.
    this.setState('Up');
    this.tech.answer(this);
  }
}
