import type { Bridge as BridgeModel } from '../../ari/models/wire.js';
import type { Channel } from '../channel/channel.js';
import { RawJson } from '../events/raw-json.js';
import type { Frame } from '../frame.js';
import { formatTimestamp } from '../time.js';
import type { MediaPlane } from '../media/media-plane.js';
import { BridgeAudio } from './bridge-audio.js';
import { BridgeMedia } from './bridge-media.js';
import { BridgePeers } from './bridge-peers.js';
import { SoftHangup } from '../causes.js';
import { hiddenChannel } from '../channel/hidden-channel.js';
import type { PortRole } from '../media/bridge-protocol.js';
import type { UnrealSequence } from '../channel/unreal-sequence.js';

export type BridgeType = 'mixing' | 'holding';

/**
 * A Stasis bridge (res_stasis bridges): its members, variables and snapshot. Audio is relayed between two
 * members (simple_bridge) and mixed for more (softmix), see bridge-audio.ts; DTMF goes to every other member.
 */
export class Bridge {
  readonly creationtime = Date.now();
  readonly members: Channel[] = [];
  readonly vars = new Map<string, string>();
  readonly reportedVars = new Set<string>();
  /**
   * ast_bridge_video_mode: `talker` by default, `sfu` for a video_sfu bridge, `single` for video_single or once
   * a video source is set; `videoSourceId` is the single source (shown as `video_source_id`).
   */
  videoMode: 'talker' | 'single' | 'sfu' = 'talker';
  /** A video_sfu bridge has only the multimix capability: softmix whatever its size or later video mode. */
  isMultimixOnly = false;
  videoSourceId = '';
  readonly audio: BridgeAudio;
  /** The bridge's own playbacks and music on hold. */
  readonly media: BridgeMedia;
  /** Members and the bridge's own media channels in Asterisk's order, for BRIDGEPEER. */
  readonly peers = new BridgePeers();
  #snapshot: string | undefined;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly type: BridgeType,
    plane: () => MediaPlane,
    private readonly sequence: UnrealSequence,
  ) {
    this.audio = new BridgeAudio(plane, () => this.type === 'holding');
    this.media = new BridgeMedia(this);
  }

  /**
   * holding_bridge; for a mixing bridge the smart bridge's choice: simple_bridge for up to two channels,
   * softmix for more, counting the bridge's own announcer or recorder (trace s4: softmix while MOH plays to two
   * members, simple_bridge again once the playback announcer has left). How audio flows here is bridge-audio's
   * business: a muted member is mixed but the technology Asterisk reports stays simple_bridge.
   */
  get technology(): string {
    if (this.type === 'holding') return 'holding_bridge';
    if (this.isMultimixOnly) return 'softmix';
    return this.peers.count > 2 ? 'softmix' : 'simple_bridge';
  }

  /** After a join or leave: the snapshot changes and every member's BRIDGEPEER is set again. */
  reconfigured(): void {
    this.touch();
    this.peers.reconfigured(this.technology);
  }

  /**
   * One of the bridge's own media channels joins (prepare_bridge_media_channel): a hidden channel named from
   * the unreal sequence, standing on a port of the mixer with `role`.
   */
  joinMediaChannel(technology: string, prefix: string, role: PortRole): Channel {
    const channel = hiddenChannel(technology, prefix, this.sequence.next(), this.audio.openPort(role, this.members));
    this.peers.join(channel);
    this.reconfigured();
    return channel;
  }

  /** The media channel leaves: hung up, its port closed, the members reconfigured. */
  leaveMediaChannel(channel: Channel): void {
    const port = channel.media;
    if (!channel.isDestroyed) {
      channel.softHangup(SoftHangup.EXPLICIT);
      channel.destroy();
    }
    if (port !== undefined) this.audio.closePort(port, this.members);
    this.peers.leave(channel);
    this.reconfigured();
  }

  touch(): void {
    this.#snapshot = undefined;
  }

  /** Set (or, with undefined, unset) a bridge variable; `reportEvents` shows it in `bridgevars` from now on. */
  setVariable(name: string, value: string | undefined, reportEvents = false): void {
    if (value === undefined) this.vars.delete(name);
    else this.vars.set(name, value);
    if (reportEvents) this.reportedVars.add(name);
    this.touch();
  }

  /** The Bridge model, members in Asterisk's order (trace s2). */
  snapshot(): RawJson<BridgeModel> {
    if (this.#snapshot === undefined) {
      const body: Record<string, unknown> = {
        id: this.id,
        technology: this.technology,
        bridge_type: this.type,
        bridge_class: 'stasis',
        creator: 'Stasis',
        name: this.name,
        channels: this.members.map((c) => c.id),
        creationtime: formatTimestamp(this.creationtime),
        video_mode: this.videoMode,
      };
      if (this.videoMode !== 'talker' && this.videoSourceId !== '') body.video_source_id = this.videoSourceId;
      if (this.reportedVars.size > 0) {
        const vars: Record<string, string> = {};
        for (const name of this.reportedVars) vars[name] = this.vars.get(name) ?? '';
        body.bridgevars = vars;
      }
      this.#snapshot = JSON.stringify(body);
    }
    return new RawJson(this.#snapshot);
  }

  /** Audio between members after a change: relayed or mixed (bridge-audio.ts). */
  linkAudio(): void {
    this.audio.update(this.members);
  }

  /**
   * A frame read from `from`. A finished DTMF digit is played to every other member as a new digit of the same
   * duration (bridge DTMF passthrough with emulation): each hop takes the digit's length, so two Echo channels
   * bridged together bounce a digit at that pace, as Asterisk's do (trace s4), rather than in a tight loop.
   * Indications are not passed through the bridge.
   */
  relay(from: Channel, frame: Frame): void {
    const members = this.members;
    switch (frame.kind) {
      case 'dtmf-end':
        // absorbDTMF on addChannel: the member's digits stay with it (ast_bridge_features dtmf_passthrough off).
        if (this.audio.options.get(from)?.absorbDtmf === true) return;
        for (const member of members) if (member !== from) this.#playDigit(member, frame.digit, frame.durationMs);
        return;
      case 'dtmf-begin':
      case 'control':
        return;
    }
  }

  #playDigit(member: Channel, digit: string, durationMs: number): void {
    member.write({ kind: 'dtmf-begin', digit });
    const timer = setTimeout(() => {
      if (!member.isDestroyed) member.write({ kind: 'dtmf-end', digit, durationMs });
    }, durationMs);
    timer.unref();
  }
}
