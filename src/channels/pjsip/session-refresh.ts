import { buildRequest } from '../../sip/ua/message-builder.js';
import { ALLOW } from './pjsip-context.js';
import type { SipSession } from './sip-session.js';

/** `Session-Expires: 1800;refresher=uac` (RFC 4028 §4) → seconds and refresher; undefined when absent or broken. */
export function parseSessionExpires(
  value: string | undefined,
): { seconds: number; refresher?: 'uac' | 'uas' } | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d+)\s*((?:;.*)?)$/.exec(value);
  if (m === null) return undefined;
  const seconds = Number.parseInt(m[1]!, 10);
  if (!(seconds > 0)) return undefined;
  const r = /;\s*refresher\s*=\s*(uac|uas)/i.exec(m[2] ?? '')?.[1]?.toLowerCase();
  return r === 'uac' || r === 'uas' ? { seconds, refresher: r } : { seconds };
}

/**
 * A re-INVITE in the dialog offering our SDP with `direction` and the next o= version; the 2xx is ACKed by us
 * (RFC 3261 §13.2.2.4), a failure by its transaction. Used for hold with moh_passthrough and session refreshes.
 * RFC 3261 §14.1: no re-INVITE while another is in progress — a later one waits and goes when it ends (only the
 * latest waiting one: it carries the current direction).
 */
export function sendReinvite(s: SipSession, direction: 'sendrecv' | 'sendonly', sessionExpires: number): void {
  if (s.isTerminated) return; // a BYE may be waiting in `next`: nothing replaces it
  if (s.reinvite.busy) {
    s.reinvite.next = () => sendReinvite(s, s.localDirection, sessionExpires);
    return;
  }
  const media = s.media;
  const dialog = s.dialog;
  if (media === undefined || dialog === undefined) return;
  const sdp = media.reoffer(direction);
  const headers: Array<readonly [string, string]> = [
    ['Contact', s.contact()],
    ['Allow', ALLOW],
    ['Session-Expires', String(sessionExpires)],
    ['Min-SE', '90'],
  ];
  const cseq = dialog.localSeq + 1;
  s.reinvite.busy = true;
  const done = (): void => {
    s.reinvite.busy = false;
    const next = s.reinvite.next;
    s.reinvite.next = undefined;
    next?.();
  };
  s.sendInDialog(
    'INVITE',
    headers,
    Buffer.from(sdp),
    'application/sdp',
    (res) => {
      if (res.status < 200) return;
      if (res.status < 300) {
        if (res.body.length > 0) s.media?.acceptAnswer(res.body.toString('utf8'));
        const dest = s.destination();
        if (dest !== undefined) {
          const ack = buildRequest({ ...dialog.request('ACK', cseq), via: s.ctx.stack.newVia(dest.transport) });
          s.ctx.stack.sendStateless(ack, dest);
        }
      }
      done();
    },
    done,
  );
}

/**
 * RFC 4028 session timer, refresher side: a re-INVITE every half interval keeps the session alive at the peer.
 * One timer per call, unref'd, cleared when the session ends.
 */
export class SessionRefresher {
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly session: SipSession) {}

  start(seconds: number): void {
    this.stop();
    this.#timer = setTimeout(
      () => {
        const s = this.session;
        if (s.isTerminated) return;
        sendReinvite(s, s.localDirection, seconds);
        this.start(seconds);
      },
      (seconds * 1000) / 2,
    );
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * RFC 4028 §10, the side that does not refresh: when no refresh (re-INVITE or UPDATE) arrives, the session is
 * ended shortly before it expires — at expiry minus min(32 s, a third of the interval).
 */
export class SessionExpiry {
  #timer: NodeJS.Timeout | undefined;
  #seconds = 0;
  #onExpire: () => void = () => {};

  start(seconds: number, onExpire: () => void): void {
    this.#seconds = seconds;
    this.#onExpire = onExpire;
    this.touch();
  }

  /** A refresh came in: the interval starts again. */
  touch(): void {
    if (this.#seconds === 0) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const ms = (this.#seconds - Math.min(32, this.#seconds / 3)) * 1000;
    this.#timer = setTimeout(() => this.#onExpire(), ms);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#seconds = 0;
  }
}
