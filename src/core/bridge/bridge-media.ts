/**
 * A bridge's own media (resource_bridges.c): playbacks to the whole bridge and music on hold for it. Asterisk
 * plays both through hidden announcer channels that join the bridge — `Announcer/ARI-…` for playbacks, reused
 * for every playback so they queue one after the other, and `Announcer/ARI_MOH-…` for MOH — which every member
 * hears through the mixer. Here each is a hidden channel whose media is an announcer port of the bridge's mixer.
 */
import type { Channel } from '../channel/channel.js';
import type { PortRole } from '../media/bridge-protocol.js';

/** Commands run one after the other (the announcer's queue: bridge playbacks never overlap). */
export class CommandQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(command: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(command);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** What the bridge offers its media: channels of its own that join and leave like members (bridge.ts). */
export interface MediaChannelHost {
  joinMediaChannel(technology: string, prefix: string, role: PortRole): Channel;
  leaveMediaChannel(channel: Channel): void;
}

export class BridgeMedia {
  #announcer: Channel | undefined;
  /** Playbacks queued on the announcer and not yet over. */
  #queued = 0;
  #moh: Channel | undefined;
  readonly queue = new CommandQueue();

  constructor(private readonly bridge: MediaChannelHost) {}

  /** The playback announcer: the running one, or a new one joining the mixer. */
  announcer(): Channel {
    this.#announcer ??= this.bridge.joinMediaChannel('Announcer', 'ARI', 'announcer');
    return this.#announcer;
  }

  /**
   * Run a playback on the announcer's queue. The announcer leaves once its queue is empty
   * (bridge_channel_control_thread runs the control queue until exhausted, then hangs up), so a bridge of two
   * goes back to relaying after its last playback.
   */
  queuePlayback(run: () => Promise<void>): Promise<void> {
    const announcer = this.#announcer;
    this.#queued += 1;
    const done = (): void => {
      this.#queued -= 1;
      if (this.#queued > 0 || this.#announcer !== announcer || announcer === undefined) return;
      this.#announcer = undefined;
      this.bridge.leaveMediaChannel(announcer);
    };
    const result = this.queue.run(run);
    void result.then(done, done);
    return result;
  }

  /** Whether music on hold plays to the bridge. */
  get isPlayingMusic(): boolean {
    return this.#moh !== undefined;
  }

  /** `startMoh` (stasis_app_bridge_moh_channel): the MOH announcer plays `mohClass`; a running one switches class. */
  startMoh(mohClass: string | undefined): void {
    this.#moh ??= this.bridge.joinMediaChannel('Announcer', 'ARI_MOH', 'announcer');
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
    this.bridge.leaveMediaChannel(moh);
    return true;
  }

  /** The bridge is going: the announcers hang up (their playbacks end) and leave the mixer. */
  close(): void {
    for (const channel of [this.#announcer, this.#moh])
      if (channel !== undefined) this.bridge.leaveMediaChannel(channel);
    this.#announcer = undefined;
    this.#moh = undefined;
  }

  /** An announcer in use right now (for the holding bridge's entertainment rule). */
  get hasAnnouncer(): boolean {
    return this.#announcer !== undefined || this.#moh !== undefined;
  }
}
