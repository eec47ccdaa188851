/**
 * Two channels joined back to back by the dialplan's Dial() (app_dial puts them in a two-party basic bridge),
 * and what a transfer does to such a pair. Dial() waits on the join of its own channel; the join ends when a
 * member hangs up (the other is then hung up too, by its own Dial() or here) or when a transfer takes a member
 * away. As Asterisk 22.10.1 does it (main/bridge.c ast_bridge_transfer_blind's two-party case, and
 * two_bridge_attended_transfer), recorded with SIP phones on calls made by Dial():
 * - blind: the transferee leaves and runs `exten@context` from priority 1 (its Dial() returns there, or a callee
 *   gets a dialplan of its own); the transferer leaves and is hung up;
 * - attended: the transferee and the second call's other party are joined; both transferer legs are hung up.
 */
import type { Channel } from '../channel/channel.js';
import type { Frame } from '../frame.js';
import type { DialplanTarget } from '../ports.js';

/** How the join ended for a Dial() waiting on it: hung up, or sent on in the dialplan by a blind transfer. */
export interface JoinEnd {
  readonly goto?: DialplanTarget;
}

/** Q.850 16 (Normal Clearing): the cause passed on when the member that hung up gave none. */
const NORMAL_CLEARING = 16;

const joinByChannel = new WeakMap<Channel, DialJoin>();

/** The Dial() join `channel` is in, if any. */
export function joinOf(channel: Channel): DialJoin | undefined {
  return joinByChannel.get(channel);
}

export class DialJoin {
  readonly members: [Channel, Channel];
  readonly #waiters = new Map<Channel, (end: JoinEnd) => void>();
  #isOver = false;

  /** Joins the two channels' audio and frames; replaces any join either was in. */
  constructor(first: Channel, second: Channel) {
    this.members = [first, second];
    for (const [a, b] of [
      [first, second],
      [second, first],
    ] as const) {
      joinByChannel.set(a, this);
      a.linkAudio(b);
      a.reader = (frame: Frame) => b.write(frame);
      void a.whenHangup().then(() => this.#memberHungUp(a));
    }
  }

  get isOver(): boolean {
    return this.#isOver;
  }

  /** The other member. */
  peerOf(channel: Channel): Channel {
    return this.members[0] === channel ? this.members[1] : this.members[0];
  }

  /** For the Dial() that runs `owner`: resolves when the join is over for it. */
  wait(owner: Channel): Promise<JoinEnd> {
    if (this.#isOver) return Promise.resolve({});
    return new Promise((resolve) => this.#waiters.set(owner, resolve));
  }

  /** Ends the join without hanging anyone up; each waiting Dial() gets `endFor(channel)`. */
  #dissolve(endFor: (channel: Channel) => JoinEnd | 'moved'): void {
    if (this.#isOver) return;
    this.#isOver = true;
    for (const m of this.members) {
      if (joinByChannel.get(m) === this) {
        joinByChannel.delete(m);
        m.linkAudio(undefined);
        m.reader = undefined;
      }
    }
    for (const [channel, resolve] of this.#waiters) {
      const end = endFor(channel);
      if (end !== 'moved') resolve(end);
    }
  }

  #memberHungUp(channel: Channel): void {
    if (this.#isOver || joinByChannel.get(channel) !== this) return;
    const other = this.peerOf(channel);
    const isRun = (c: Channel): boolean => this.#waiters.has(c) || c.hasPbx;
    const selfRun = isRun(channel);
    const otherRun = isRun(other);
    this.#dissolve(() => ({}));
    // A member with a Dial() of its own is hung up by it as it returns; one nobody runs (a callee) goes here.
    if (!selfRun) channel.destroy();
    if (!otherRun && !other.isDestroyed) {
      if (other.hangupCause === 0) other.hangupCause = channel.hangupCause || NORMAL_CLEARING;
      other.destroy();
    }
  }

  /**
   * Blind transfer: `transferer` leaves (its caller hangs it up), the other member goes on at `target`. A Dial()
   * that runs the transferee returns there; otherwise `run` gives it a dialplan of its own.
   */
  sendOn(transferer: Channel, target: DialplanTarget, run: (channel: Channel, target: DialplanTarget) => void): void {
    const transferee = this.peerOf(transferer);
    const waits = this.#waiters.has(transferee);
    this.#dissolve((channel) => (channel === transferee ? { goto: target } : {}));
    if (!waits) run(transferee, target);
  }

  /**
   * Attended transfer: the member of this join other than `firstLeg` and the member of `second` other than
   * `secondLeg` are joined; each Dial() waiting on either of them goes on waiting on the new join.
   */
  static link(first: DialJoin, firstLeg: Channel, second: DialJoin, secondLeg: Channel): DialJoin {
    const transferee = first.peerOf(firstLeg);
    const target = second.peerOf(secondLeg);
    const moved = new Map<Channel, (end: JoinEnd) => void>();
    for (const join of [first, second]) {
      for (const [channel, resolve] of join.#waiters) if (channel === transferee || channel === target) moved.set(channel, resolve); // prettier-ignore
      join.#dissolve((channel) => (moved.has(channel) ? 'moved' : {}));
    }
    const joined = new DialJoin(transferee, target);
    for (const [channel, resolve] of moved) joined.#waiters.set(channel, resolve);
    return joined;
  }
}
