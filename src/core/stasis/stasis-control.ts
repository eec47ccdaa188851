import type { Channel } from '../channel/channel.js';
import type { StasisApp } from './stasis-app.js';

/** A dialplan location to continue at. */
export interface ContinueTarget {
  context: string;
  exten: string;
  priority: number;
}

/** Why a channel's Stasis loop woke up. */
export type StasisWake =
  | { kind: 'hangup' }
  | { kind: 'continue'; target: ContinueTarget }
  | { kind: 'move'; app: StasisApp; args: readonly string[] };

/**
 * The control of one channel inside a Stasis application (res/stasis control.c): the app it is in, the
 * FIFO queue of commands ARI sends it, and the wake-ups that end or change its stay.
 */
export class StasisControl {
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #wakes: StasisWake[] = [];
  #notify: (() => void) | undefined;

  constructor(
    readonly channel: Channel,
    public app: StasisApp,
    public args: readonly string[],
  ) {}

  /**
   * Run a command on the channel in arrival order (§6.4: commands are queued and executed FIFO, so a
   * set-variable waits for the commands queued before it).
   */
  run<T>(command: () => T | Promise<T>): Promise<T> {
    this.#pending++;
    const result = this.#tail.then(command).finally(() => this.#pending--);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Whether a command is running or waiting (a playback, a recording, ...). */
  get busy(): boolean {
    return this.#pending > 0;
  }

  /**
   * Resolves once the commands queued so far have run. At hangup res_stasis still runs what is queued before
   * StasisEnd (trace s3: a queued recording starts and finishes after ChannelHangupRequest, before StasisEnd).
   */
  drained(): Promise<void> {
    return this.#tail.then(() => undefined);
  }

  wake(wake: StasisWake): void {
    this.#wakes.push(wake);
    this.#notify?.();
  }

  /** The next wake-up: a queued continue/move, or the hangup. */
  async next(): Promise<StasisWake> {
    for (;;) {
      const queued = this.#wakes.shift();
      if (queued) return queued;
      if (this.channel.isHangupRequested) return { kind: 'hangup' };
      await Promise.race([new Promise<void>((resolve) => (this.#notify = resolve)), this.channel.whenHangup()]);
      this.#notify = undefined;
    }
  }
}
