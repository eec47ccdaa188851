import { randomUUID } from 'node:crypto';
import type { Channel } from '../channel/channel.js';
import type { EventBus } from '../events/event-bus.js';
import { CoreError } from '../errors.js';
import type { Stasis } from '../stasis/stasis.js';
import { controlOf } from '../stasis/stasis.js';
import { Bridge, type BridgeType } from './bridge.js';
import type { MediaPlane } from '../media/media-plane.js';
import { nullMediaPlane } from '../media/null-plane.js';
import { UnrealSequence } from '../channel/unreal-sequence.js';

const silentPlane = nullMediaPlane();
const nullPlane = (): MediaPlane => silentPlane;

export function bridgeOf(channel: Channel): Bridge | undefined {
  return channel.bridge instanceof Bridge ? channel.bridge : undefined;
}

/** The Stasis bridges and membership (resource_bridges.c, stasis_bridge.c; semantics.md §7). */
export class Bridges {
  readonly #byId = new Map<string, Bridge>();
  /** Deleted bridges whose busy members have not left yet (their ids are still taken). */
  readonly #dying = new Map<string, Bridge>();

  constructor(
    private readonly bus: EventBus,
    private readonly stasis: Stasis,
    private readonly plane: () => MediaPlane = nullPlane,
    private readonly sequence = new UnrealSequence(),
  ) {}

  get(id: string): Bridge | undefined {
    return this.#byId.get(id);
  }

  #isInUse(id: string): boolean {
    const wanted = id.toLowerCase();
    for (const known of this.#byId.keys()) if (known.toLowerCase() === wanted) return true;
    for (const known of this.#dying.keys()) if (known.toLowerCase() === wanted) return true;
    return false;
  }

  list(): IterableIterator<Bridge> {
    return this.#byId.values();
  }

  /**
   * `type` is a comma list of flags, read as bridge_create_common does: `mixing` and `holding` give the bridge its
   * capabilities, `dtmf_events`/`proxy_media` only take native bridging away, and `video_sfu` makes it a
   * multimix (softmix) bridge whatever else was asked. No capability, or holding with mixing, is 500.
   * An id in use is 409 without regard to case: Asterisk checks the bridge's topic name, which compares so.
   */
  create(id: string | undefined, typeList: string | undefined, name: string): Bridge {
    if (id && this.#isInUse(id)) throw new CoreError('CONFLICT', `Bridge with id '${id}' already exists`);
    const flags = (typeList || 'mixing').split(',').map((f) => f.trim());
    const sfu = flags.includes('video_sfu');
    const holding = !sfu && flags.includes('holding');
    const mixing = sfu || flags.includes('mixing');
    if ((holding && mixing) || (!holding && !mixing)) {
      throw new CoreError('INTERNAL', `Unable to create bridge. Possible duplicate bridge id '${id || '(null)'}'`);
    }
    const type: BridgeType = holding ? 'holding' : 'mixing';
    const bridge = new Bridge(id || randomUUID(), name, type, this.plane, this.sequence);
    // bridge_stasis_new: video_sfu selects the SFU mode, video_single the single-source mode without a source.
    if (sfu) {
      bridge.videoMode = 'sfu';
      bridge.isMultimixOnly = true;
    } else if (flags.includes('video_single')) bridge.videoMode = 'single';
    this.#byId.set(bridge.id, bridge);
    this.#publish('BridgeCreated', bridge);
    return bridge;
  }

  /**
   * setVideoSource (ast_bridge_set_single_src_video_mode): single-source mode with this member as the source; the
   * snapshot is published, so a changed source is a BridgeVideoSourceChanged (with the old source, if any).
   */
  setVideoSource(bridge: Bridge, channel: Channel): void {
    const old = bridge.videoSourceId;
    bridge.videoMode = 'single';
    bridge.videoSourceId = channel.id;
    bridge.touch();
    if (old === channel.id) return;
    this.bus.publish(
      'BridgeVideoSourceChanged',
      { bridge: bridge.snapshot(), ...(old !== '' && { old_video_source_id: old }) },
      { bridgeIds: [bridge.id] },
    );
  }

  /** clearVideoSource (ast_bridge_set_talker_src_video_mode): back to talker mode; Asterisk publishes nothing. */
  clearVideoSource(bridge: Bridge): void {
    bridge.videoMode = 'talker';
    bridge.videoSourceId = '';
    bridge.touch();
  }

  /**
   * Members leave (ChannelLeftBridge each, staying in Stasis), then BridgeDestroyed. The id is gone from ARI at
   * once, but a member busy with a command (a playback) leaves only when that is over, as in Asterisk 22.10.1
   * (its bridge thread is in the playback): PlaybackFinished, ChannelLeftBridge, and once the last is out,
   * BridgeDestroyed. Meanwhile a new bridge cannot take the id (409).
   */
  destroy(bridge: Bridge): void {
    this.#byId.delete(bridge.id);
    const busy: Channel[] = [];
    for (const member of [...bridge.members]) {
      if (controlOf(member)?.busy === true) busy.push(member);
      else this.leave(member);
    }
    if (busy.length === 0) return this.#destroyed(bridge);
    this.#dying.set(bridge.id, bridge);
    let waiting = busy.length;
    const out = (member: Channel): void => {
      if (bridgeOf(member) === bridge) this.leave(member);
      if (--waiting > 0) return;
      this.#dying.delete(bridge.id);
      this.#destroyed(bridge);
    };
    for (const member of busy) void controlOf(member)?.run(() => out(member));
  }

  #destroyed(bridge: Bridge): void {
    bridge.media.close();
    bridge.audio.close(bridge.members);
    this.#publish('BridgeDestroyed', bridge);
    this.stasis.index.drop('bridge:' + bridge.id);
  }

  /** Add channels (all checked first, §7): a channel in another bridge moves (Left, then Entered). */
  add(bridge: Bridge, channels: readonly Channel[]): void {
    const left = new Set<Bridge>();
    for (const channel of channels) {
      const from = bridgeOf(channel);
      if (from === bridge) continue;
      if (from) {
        this.leave(channel, false);
        left.add(from);
      }
      bridge.members.push(channel);
      bridge.peers.join(channel);
      channel.bridge = bridge;
      bridge.touch();
      const control = controlOf(channel);
      if (control) this.stasis.index.subscribe(control.app, 'bridge:' + bridge.id);
      channel.reader = (frame) => bridge.relay(channel, frame);
      this.#publishMember('ChannelEnteredBridge', bridge, channel);
    }
    bridge.linkAudio();
    // bridge_do_move: the destination is reconfigured first, then the bridge the channel came from.
    bridge.reconfigured();
    for (const from of left) if (this.#byId.has(from.id)) from.reconfigured();
  }

  /** Remove a channel from its bridge: ChannelLeftBridge carries the bridge without it. */
  leave(channel: Channel, updatePeers = true): void {
    const bridge = bridgeOf(channel);
    if (!bridge) return;
    const i = bridge.members.indexOf(channel);
    if (i !== -1) bridge.members.splice(i, 1);
    channel.bridge = undefined;
    bridge.touch();
    channel.linkAudio(undefined);
    bridge.audio.options.delete(channel);
    bridge.linkAudio();
    bridge.peers.leave(channel);
    const control = controlOf(channel);
    if (control) {
      // A member removed (or continuing in the dialplan) takes its app's bridge subscription with it; one hung up
      // in the bridge leaves it behind, as 22.10.1 does: the app still hears the bridge's playbacks and its
      // BridgeDestroyed.
      if (!channel.isHangupRequested) this.stasis.index.unsubscribe(control.app, 'bridge:' + bridge.id);
      channel.reader = () => {};
    }
    this.#publishMember('ChannelLeftBridge', bridge, channel);
    if (updatePeers) bridge.reconfigured();
  }

  #publish(type: 'BridgeCreated' | 'BridgeDestroyed', bridge: Bridge): void {
    this.bus.publish(type, { bridge: bridge.snapshot() }, { bridgeIds: [bridge.id] });
  }

  #publishMember(type: 'ChannelEnteredBridge' | 'ChannelLeftBridge', bridge: Bridge, channel: Channel): void {
    this.bus.publish(
      type,
      { bridge: bridge.snapshot(), channel: channel.snapshot() },
      { bridgeIds: [bridge.id], channels: [channel] },
    );
  }
}
