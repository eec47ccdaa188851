/**
 * A bridge's own media (resource_bridges.c): playbacks to the whole bridge and music on hold for it. Asterisk
 * plays both through hidden announcer channels that join the bridge — `Announcer/ARI-…` for playbacks, reused
 * for every playback so they queue one after the other, and `Announcer/ARI_MOH-…` for MOH — which every member
 * hears through the mixer. Here each is a hidden channel whose media is an announcer port of the bridge's mixer.
 */
import type { Channel } from '../channel/channel.js';
import { hiddenChannel } from '../channel/hidden-channel.js';
import type { BridgeAudio } from './bridge-audio.js';

/** Commands run one after the other (the announcer's queue: bridge playbacks never overlap). */
export class CommandQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(command: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(command);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

export class BridgeMedia {
  #announcer: Channel | undefined;
  #moh: Channel | undefined;
  readonly queue = new CommandQueue();

  constructor(
    private readonly audio: BridgeAudio,
    private readonly members: () => readonly Channel[],
  ) {}

  /** The playback announcer, made on first use and kept while the bridge lives. */
  announcer(): Channel {
    this.#announcer ??= hiddenChannel('Announcer', 'ARI', this.audio.openPort('announcer', this.members()));
    return this.#announcer;
  }

  /** Whether music on hold plays to the bridge. */
  get isPlayingMusic(): boolean {
    return this.#moh !== undefined;
  }

  /** `startMoh` (stasis_app_bridge_moh_channel): the MOH announcer plays `mohClass`; a running one switches class. */
  startMoh(mohClass: string | undefined): void {
    this.#moh ??= hiddenChannel('Announcer', 'ARI_MOH', this.audio.openPort('announcer', this.members()));
    this.#moh.media?.send({
      op: 'moh-start',
      ...(mohClass !== undefined && mohClass !== '' && { mohClass }),
      language: 'en',
      isAnswered: true,
    });
  }

  /** `stopMoh`: false when no music plays (ARI answers 409 "Bridge isn't playing music"). */
  stopMoh(): boolean {
    const moh = this.#moh;
    if (moh === undefined) return false;
    this.#moh = undefined;
    this.#release(moh);
    return true;
  }

  /** The bridge is going: the announcers hang up (their playbacks end) and leave the mixer. */
  close(): void {
    for (const channel of [this.#announcer, this.#moh]) if (channel !== undefined) this.#release(channel);
    this.#announcer = undefined;
    this.#moh = undefined;
  }

  /** An announcer in use right now (for the holding bridge's entertainment rule). */
  get hasAnnouncer(): boolean {
    return this.#announcer !== undefined || this.#moh !== undefined;
  }

  #release(channel: Channel): void {
    const port = channel.media;
    channel.softHangup(32);
    channel.destroy();
    if (port !== undefined) this.audio.closePort(port, this.members());
  }
}
