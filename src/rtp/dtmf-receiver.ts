/*
 * RFC 4733 §2.5.2 receiver: telephone-event packets in, digit begin/end out.
 *
 * An event is identified by its RTP timestamp. Its first packet may be lost (begin on the first packet seen,
 * marker or not); its end packets are sent three times and may all be lost (a new event, or `expire()` after
 * Asterisk's dtmftimeout, ends the old one with the last duration seen). Retransmitted ends and late packets
 * of an ended event are absorbed, so each digit ends exactly once. Asterisk reports the duration of the end
 * packet / (clockRate / 1000), truncated: 1440 units at 8 kHz → 180 ms.
 */
import { eventToDigit, type TelephoneEvent } from './dtmf-4733.js';

export interface DtmfReceiverUser {
  onDigitBegin(digit: string): void;
  onDigitEnd(digit: string, durationMs: number): void;
}

type State = 'idle' | 'active' | 'ended';
const NEXT: Record<State, readonly State[]> = {
  idle: ['active'],
  active: ['ended'],
  ended: ['active'],
};

export class DtmfReceiver {
  #state: State = 'idle';
  #timestamp = 0;
  #event = 0;
  #duration = 0;
  readonly #unitsPerMs: number;

  constructor(
    private readonly user: DtmfReceiverUser,
    clockRate = 8000,
  ) {
    this.#unitsPerMs = clockRate / 1000;
  }

  /** Feeds one parsed telephone-event with its packet's RTP timestamp. */
  receive(ev: TelephoneEvent, timestamp: number): void {
    const sameEvent = this.#state !== 'idle' && timestamp === this.#timestamp;
    switch (this.#state) {
      case 'ended':
        // §2.5.2: retransmitted end packets and late updates of the ended event are ignored; so are packets
        // older than it (serial-number arithmetic on the 32-bit timestamp).
        if (sameEvent || ((timestamp - this.#timestamp) | 0) < 0) return;
        this.#begin(ev, timestamp);
        return;
      case 'active':
        if (sameEvent) {
          if (ev.duration > this.#duration) this.#duration = ev.duration;
          if (ev.isEnd) this.#end();
          return;
        }
        if (((timestamp - this.#timestamp) | 0) < 0) return; // a reordered packet of an older event
        this.#end(); // the previous event's end packets were all lost
        this.#begin(ev, timestamp);
        return;
      case 'idle':
        this.#begin(ev, timestamp);
        return;
    }
  }

  /** Ends an event whose end packets never came (call after dtmftimeout without packets). */
  expire(): void {
    if (this.#state === 'active') this.#end();
  }

  get isActive(): boolean {
    return this.#state === 'active';
  }

  #begin(ev: TelephoneEvent, timestamp: number): void {
    this.#timestamp = timestamp;
    this.#event = ev.event;
    this.#duration = ev.duration;
    this.#enter('active');
    const digit = eventToDigit(ev.event);
    if (digit !== undefined) this.user.onDigitBegin(digit);
    if (ev.isEnd) this.#end(); // start and updates lost: begin and end at once
  }

  #end(): void {
    this.#enter('ended');
    const digit = eventToDigit(this.#event);
    if (digit !== undefined) this.user.onDigitEnd(digit, Math.floor(this.#duration / this.#unitsPerMs));
  }

  #enter(next: State): void {
    if (!NEXT[this.#state].includes(next)) throw new Error(`DtmfReceiver: ${this.#state} → ${next}`);
    this.#state = next;
  }
}
