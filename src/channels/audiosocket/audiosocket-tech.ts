/**
 * The technology side of one AudioSocket channel (chan_audiosocket.c `audiosocket_channel_tech`). Its device is
 * the TCP connection held by the channel's media edge in a worker; this side follows the connection's events and
 * turns them into the channel's lifecycle.
 *
 * - Called: the UUID message goes out and the call is answered at once (chan_audiosocket queues ANSWER and sends
 *   the UUID in the same step). Called while the connection is still being made, both wait for it; called after
 *   it failed, the call fails with cause 38, the request's failure cause (AST_CAUSE_FAILURE).
 * - A digit written to the channel goes to the app at its end (send_digit_end), as kind 0x03.
 * - The app hanging up (kind 0x00) or closing the connection is a read that fails, as in Asterisk: a channel in
 *   Stasis leaves it without a hangup request (StasisEnd, then ChannelDestroyed with cause 0 "Unknown", as a real
 *   Asterisk 22.10.1 reports it); elsewhere (a dialplan) the hangup is queued with cause 0.
 * - The channel hanging up closes the media leg, and so the connection.
 */
import { Cause } from '../../core/causes.js';
import type { Channel } from '../../core/channel/channel.js';
import type { ChannelTech } from '../../core/channel/channel-tech.js';
import type { Frame } from '../../core/frame.js';
import type { AudioSocketEvent } from '../../core/media/audiosocket-protocol.js';
import type { MediaEvent } from '../../core/media/media-protocol.js';
import { controlOf } from '../../core/stasis/stasis.js';

/** Where the driver's log lines go (the app's logger). */
export interface AudioSocketLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

type ConnectionState = 'connecting' | 'connected' | 'failed' | 'ended';

export class AudioSocketTech implements ChannelTech {
  readonly technology = 'AudioSocket';
  /** Ended by the app, the channel reports cause 0 "Unknown", as Asterisk's does (nothing sets a cause). */
  readonly keepsUnknownCause = true;
  /** Resolves true once connected, false when the connection failed or the channel went first. */
  readonly connected: Promise<boolean>;
  #settle!: (ok: boolean) => void;
  #state: ConnectionState = 'connecting';
  /** Called while connecting: answer once connected. */
  #isCalling = false;

  constructor(
    private readonly service: string,
    private readonly log: AudioSocketLog | undefined,
  ) {
    this.connected = new Promise((resolve) => (this.#settle = resolve));
  }

  /** Follow the media's connection events (the driver calls this once the leg is attached). */
  follow(channel: Channel): void {
    channel.onMediaEvent((event) => this.#onMediaEvent(channel, event));
  }

  call(channel: Channel): { ok: true } | { ok: false; cause: number } {
    if (this.#state === 'failed' || this.#state === 'ended' || channel.media === undefined) {
      return { ok: false, cause: Cause.FAILURE };
    }
    channel.media.send({ op: 'audiosocket-call' });
    // The dialer starts listening for the answer right after `call` returns.
    if (this.#state === 'connected') setImmediate(() => this.#answer(channel));
    else this.#isCalling = true;
    return { ok: true };
  }

  answer(): void {}

  hangup(): void {
    // Gone before the connection was made: nobody waits for it any more.
    this.#settle(false);
  }

  indicate(): void {}

  write(channel: Channel, frame: Frame): void {
    if (frame.kind === 'dtmf-end') {
      channel.media?.send({ op: 'dtmf-end', digit: frame.digit, durationMs: frame.durationMs });
    }
  }

  #answer(channel: Channel): void {
    this.#isCalling = false;
    channel.receive({ kind: 'control', indication: 'answer' });
  }

  #onMediaEvent(channel: Channel, event: MediaEvent): void {
    if (!isAudioSocketEvent(event)) return;
    const fields = { channel: channel.name, service: this.service };
    switch (event.ev) {
      case 'audiosocket-connected':
        this.#state = 'connected';
        this.#settle(true);
        if (this.#isCalling) this.#answer(channel);
        return;
      case 'audiosocket-ended':
        if (event.reason === 'connect-failed') {
          this.log?.warn({ ...fields, error: event.detail }, 'AudioSocket connection failed');
          this.#state = 'failed';
          this.#settle(false);
          this.#failed(channel);
        } else {
          this.log?.info({ ...fields, reason: event.reason }, `AudioSocket ended: ${event.detail}`);
          this.#state = 'ended';
          this.#deviceGone(channel);
        }
        return;
      case 'audiosocket-notice':
        this.log?.warn({ ...fields, notice: event.notice, count: event.count }, `AudioSocket: ${event.detail}`);
        return;
    }
  }

  /**
   * The request failed after it returned (Asterisk's would have failed inside it, before any channel existed):
   * a channel someone already holds (made by /create, so in Stasis or about to be; or being called) hangs up with
   * cause 38; otherwise it is simply destroyed, and whoever waits on the request (externalMedia) answers 500.
   */
  #failed(channel: Channel): void {
    if (channel.isDestroyed) return;
    if (controlOf(channel) !== undefined || channel.madeByCreate || this.#isCalling) {
      channel.queueHangup(Cause.FAILURE);
      return;
    }
    channel.hangupCause = Cause.FAILURE;
    channel.destroy();
  }

  /** The app hung up or closed the connection: the channel's read fails. */
  #deviceGone(channel: Channel): void {
    if (channel.isDestroyed || channel.isHangupRequested) return;
    const control = controlOf(channel);
    if (control !== undefined) control.wake({ kind: 'hangup' });
    else channel.queueHangup(Cause.UNKNOWN);
  }
}

function isAudioSocketEvent(event: MediaEvent): event is AudioSocketEvent {
  return event.ev.startsWith('audiosocket-');
}
