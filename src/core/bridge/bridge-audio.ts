/**
 * How a bridge's members hear each other, as Asterisk's smart bridge decides it: two members of a mixing bridge
 * are linked to each other directly (simple_bridge: frames relayed, passed through undecoded when both speak the
 * same codec and nothing taps them); a third member, a holding bridge, or a port of the bridge's own (playback,
 * recording, MOH) brings in the mixer (softmix): one mixer in a media worker, one port per member, each member's
 * audio linked into its port and the port's mix linked back to the member. Leaving returns to relaying.
 */
import type { PortRole } from '../media/bridge-protocol.js';
import type { MediaLeg, MediaPlane } from '../media/media-plane.js';
import type { Channel } from '../channel/channel.js';
import { startMusicOnHold, stopMusicOnHold } from '../media/moh-control.js';
import { MIN_MIX_RATE, nextMixRate, type MixRate } from './mix-rate.js';

/** Per-member options of a join (ARI addChannel `role`, `mute`). */
export interface MemberOptions {
  role: PortRole;
  muted: boolean;
  /** absorbDTMF: the member's DTMF is not passed to the others. */
  absorbDtmf?: boolean;
}

export class BridgeAudio {
  #mixer: MediaLeg | undefined;
  #rate: MixRate = MIN_MIX_RATE;
  readonly #ports = new Map<Channel, MediaLeg>();
  /** Ports of the bridge's own media (announcer for playback/MOH, recorder), with their roles. */
  readonly #extra = new Map<MediaLeg, PortRole>();
  /** Holding-bridge participants given music while no announcer plays (bridge_holding participant entertainment). */
  readonly #entertained = new Set<Channel>();
  readonly options = new Map<Channel, MemberOptions>();

  constructor(
    private readonly plane: () => MediaPlane,
    private readonly holding: () => boolean,
  ) {}

  /** Whether the bridge mixes now. */
  get isMixing(): boolean {
    return this.#mixer !== undefined;
  }

  /** The rate the mixer mixes at (8000 while it does not mix). */
  get mixRate(): MixRate {
    return this.#rate;
  }

  /** Re-decide after a membership or option change. */
  update(members: readonly Channel[]): void {
    if (this.holding()) this.#entertain(members);
    const mix = this.holding() || members.length > 2 || this.#extra.size > 0 || this.#anyMuted(members);
    if (!mix) {
      this.#stopMixing();
      if (members.length === 2) {
        members[0]!.linkAudio(members[1]);
        members[1]!.linkAudio(members[0]);
      } else for (const m of members) if (m.audioLink !== undefined) m.linkAudio(undefined);
      return;
    }
    const mixer = this.#ensureMixer(members);
    this.#weighRate(members);
    for (const [member, port] of this.#ports) {
      if (members.includes(member)) continue;
      this.#ports.delete(member);
      if (member.audioLink === port) member.linkAudio(undefined);
      port.close();
    }
    for (const member of members) {
      const opts = this.options.get(member) ?? { role: 'participant' as PortRole, muted: false };
      let port = this.#ports.get(member);
      if (port === undefined) {
        port = this.plane().open({ kind: 'none' }, mixer);
        port.send({ op: 'mixer-join', mixer: mixer.id, role: opts.role, muted: opts.muted });
        this.#ports.set(member, port);
        const target = port;
        member.whenMedia((leg) => {
          if (!target.isClosed) target.send({ op: 'link', to: leg.id, worker: leg.worker });
        });
      } else port.send({ op: 'port-options', role: opts.role, muted: opts.muted });
      if (member.audioLink !== port) member.linkAudio(port);
    }
  }

  /** A port of the bridge's own (an announcer playing to all, a recorder hearing all), in the mixer's worker. */
  openPort(role: PortRole, members: readonly Channel[]): MediaLeg {
    const mixer = this.#ensureMixer(members);
    const port = this.plane().open({ kind: 'none' }, mixer);
    port.send({ op: 'mixer-join', mixer: mixer.id, role, muted: false });
    this.#extra.set(port, role);
    this.update(members);
    return port;
  }

  closePort(port: MediaLeg, members: readonly Channel[]): void {
    if (!this.#extra.delete(port)) return;
    port.close();
    this.update(members);
  }

  /** The bridge is gone: everything closed, members unlinked. */
  close(members: readonly Channel[]): void {
    for (const port of this.#extra.keys()) port.close();
    this.#extra.clear();
    for (const member of this.#entertained) stopMusicOnHold(member);
    this.#entertained.clear();
    this.#stopMixing();
    for (const m of members) m.linkAudio(undefined);
  }

  /**
   * bridge_holding.c: a participant hears music on hold (idle mode `musiconhold`) while the bridge has no
   * announcer; when one joins the music stops and the participant hears it; when it leaves the music comes back.
   */
  #entertain(members: readonly Channel[]): void {
    let announcer = false;
    for (const role of this.#extra.values()) if (role === 'announcer') announcer = true;
    for (const m of members) if (this.options.get(m)?.role === 'announcer') announcer = true;
    for (const member of members) {
      const participant = this.options.get(member)?.role !== 'announcer';
      const wanted = participant && !announcer;
      if (wanted && !this.#entertained.has(member)) {
        this.#entertained.add(member);
        startMusicOnHold(member);
      } else if (!wanted && this.#entertained.delete(member)) stopMusicOnHold(member);
    }
    for (const member of this.#entertained) {
      if (members.includes(member)) continue;
      this.#entertained.delete(member);
      stopMusicOnHold(member);
    }
  }

  #anyMuted(members: readonly Channel[]): boolean {
    for (const m of members) if (this.options.get(m)?.muted === true) return true;
    return false;
  }

  #ensureMixer(members: readonly Channel[]): MediaLeg {
    if (this.#mixer === undefined) {
      // The mixer lives with the first member's media, so at least one leg needs no cross-worker link.
      const near = members.find((m) => m.hasMedia)?.media;
      this.#mixer = this.plane().open({ kind: 'none' }, near);
      this.#rate = nextMixRate(MIN_MIX_RATE, nativeRates(members));
      this.#mixer.send({ op: 'mixer-create', rate: this.#rate, holding: this.holding() });
    }
    return this.#mixer;
  }

  /** softmix's rate after a change of members (mix-rate.ts); the mixer follows. */
  #weighRate(members: readonly Channel[]): void {
    const rate = nextMixRate(this.#rate, nativeRates(members));
    if (rate === this.#rate) return;
    this.#rate = rate;
    this.#mixer?.send({ op: 'mixer-rate', rate });
  }

  #stopMixing(): void {
    for (const [member, port] of this.#ports) {
      if (member.audioLink === port) member.linkAudio(undefined);
      port.close();
    }
    this.#ports.clear();
    this.#mixer?.close();
    this.#mixer = undefined;
    this.#rate = MIN_MIX_RATE;
  }
}

/** The rate each member's device speaks (8000 for a member whose media is not open). */
function* nativeRates(members: readonly Channel[]): Iterable<number> {
  for (const member of members) yield member.hasMedia ? (member.media?.nativeRate ?? MIN_MIX_RATE) : MIN_MIX_RATE;
}
