import type { Bridge as BridgeModel } from '../../ari/models/wire.js';
import type { Channel } from '../channel/channel.js';
import { RawJson } from '../events/raw-json.js';
import type { Frame } from '../frame.js';
import { formatTimestamp } from '../time.js';
import type { MediaPlane } from '../media/media-plane.js';
import { BridgeAudio } from './bridge-audio.js';
import { BridgeMedia } from './bridge-media.js';

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
  videoSourceId = '';
  readonly audio: BridgeAudio;
  /** The bridge's own playbacks and music on hold. */
  readonly media: BridgeMedia;
  #snapshot: string | undefined;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly type: BridgeType,
    plane: () => MediaPlane,
  ) {
    this.audio = new BridgeAudio(plane, () => this.type === 'holding');
    this.media = new BridgeMedia(this.audio, () => this.members);
  }

  /** holding_bridge; for a mixing bridge simple_bridge while two members relay, softmix once it mixes (trace s2). */
  get technology(): string {
    if (this.type === 'holding') return 'holding_bridge';
    return this.audio.isMixing ? 'softmix' : 'simple_bridge';
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

  /** Audio between members after a change: relayed or mixed (bridge-audio.ts); the technology may change. */
  linkAudio(): void {
    const wasMixing = this.audio.isMixing;
    this.audio.update(this.members);
    if (this.audio.isMixing !== wasMixing) this.touch();
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
