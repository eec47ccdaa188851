/*
 * RFC 4733 DTMF out, packet for packet as Asterisk 22 sends it (sip-reference §4.8, recorded): at the digit's
 * start two packets at once — the first with the marker bit — with durations 160 and 320 and volume 10; at
 * its end three identical packets with the E bit and the whole duration (ms × 8). Every packet of the digit
 * carries the RTP timestamp of its start; audio after it continues from start + duration, marker set.
 */
import { digitToEvent, writeTelephoneEvent, TELEPHONE_EVENT_SIZE, type TelephoneEvent } from '../dtmf-4733.js';
import type { RtpSender } from './rtp-sender.js';

const VOLUME = 10;
const BEGIN_DURATIONS = [160, 320] as const;
const END_REPEATS = 3;

export class DtmfSender {
  #isActive = false;
  #event = 0;
  #timestamp = 0;
  readonly #ev: TelephoneEvent = { event: 0, isEnd: false, volume: VOLUME, duration: 0 };

  constructor(private readonly rtp: RtpSender) {}

  get isSending(): boolean {
    return this.#isActive;
  }

  /** Starts `digit`; false (nothing sent) for a character that is no DTMF event or while a digit is on. */
  begin(payloadType: number, digit: string): boolean {
    const event = digitToEvent(digit);
    if (event === undefined || this.#isActive) return false;
    this.#isActive = true;
    this.#event = event;
    this.#timestamp = this.rtp.currentTimestamp();
    for (let i = 0; i < BEGIN_DURATIONS.length; i++) {
      this.rtp.send(payloadType, i === 0, this.#timestamp, this.#payload(event, false, BEGIN_DURATIONS[i]!));
    }
    return true;
  }

  /** Ends `digit` after `durationMs` (begins it first when it was not begun); false for an unknown digit. */
  end(payloadType: number, digit: string, durationMs: number): boolean {
    const event = digitToEvent(digit);
    if (event === undefined) return false;
    if (!this.#isActive || event !== this.#event) {
      if (this.#isActive) this.#isActive = false; // a different digit: the old one is abandoned
      this.begin(payloadType, digit);
    }
    const samples = Math.min(0xffff, Math.max(0, Math.round((durationMs * this.rtp.clockRate) / 1000)));
    const payload = this.#payload(event, true, samples); // §2.5.1.4: the same end packet three times
    for (let i = 0; i < END_REPEATS; i++) this.rtp.send(payloadType, false, this.#timestamp, payload);
    this.#isActive = false;
    this.rtp.resumeAt(this.#timestamp + samples);
    return true;
  }

  #payload(event: number, isEnd: boolean, duration: number): Buffer {
    const ev = this.#ev;
    ev.event = event;
    ev.isEnd = isEnd;
    ev.duration = duration;
    const buf = Buffer.allocUnsafe(TELEPHONE_EVENT_SIZE); // per digit, not per audio frame: fine to allocate
    writeTelephoneEvent(ev, buf, 0);
    return buf;
  }
}
