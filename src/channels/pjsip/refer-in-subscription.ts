/**
 * The implicit subscription a REFER received on a call creates (RFC 3515 §2.4.4): NOTIFYs in the INVITE dialog
 * whose `message/sipfrag` body is the status line of the referred request (RFC 3420), ending with one that says
 * `Subscription-State: terminated`.
 *
 * As res_pjsip_refer.c (Asterisk 22.10.1) sends them, recorded on the wire:
 * - the REFER is answered `202 Accepted` with `Expires: 600` and a Contact;
 * - `Event: refer`, `Subscription-State: active;expires=<seconds left>` or `terminated;reason=noresource`,
 *   `Allow-Events`, `Content-Type: message/sipfrag;version=2.0`, body `SIP/2.0 100 Trying\r\n`;
 * - the first NOTIFY is a `100 Trying` (active): a first report of anything else is preceded by one;
 * - nothing is sent once the terminating NOTIFY went out.
 */
import type { SipRequest } from '../../sip/message/sip-message.js';
import type { ServerTransaction } from '../../sip/transaction/transaction-layer.js';
import { reasonPhrase } from './sip-causes.js';
import type { SipSession } from './sip-session.js';

/** res_pjsip_refer.c accepts the REFER for 600 s (the 202's Expires). */
const SUBSCRIPTION_SECONDS = 600;
const MS_PER_SECOND = 1000;
const TRYING = 100;
const ALLOW_EVENTS = 'message-summary, presence, dialog, refer';

/** Reports a transfer's progress to the transferor; a no-op when it asked for no subscription (`Refer-Sub: false`). */
export interface ReferProgress {
  /** A sipfrag NOTIFY with `status`; `isFinal` terminates the subscription. */
  notify(status: number, isFinal: boolean): void;
  readonly isTerminated: boolean;
}

/** `Refer-Sub: false` (RFC 4488): the transferor wants no NOTIFY. Any other value (or none) subscribes. */
export function wantsSubscription(req: SipRequest): boolean {
  const value = req.header('refer-sub');
  return value === undefined || value.trim().toLowerCase().startsWith('true');
}

/** Answers the REFER `202 Accepted` and returns the subscription that sends its NOTIFYs. */
export function acceptRefer(session: SipSession, req: SipRequest, tx: ServerTransaction): ReferProgress {
  const headers: Array<readonly [string, string]> = [
    ['Expires', String(SUBSCRIPTION_SECONDS)],
    ['Contact', session.contact()],
  ];
  if (req.header('refer-sub') !== undefined) headers.push(['Refer-Sub', 'true']);
  session.respond(req, tx, 202, 'Accepted', headers);
  return new ReferSubscription(session);
}

/** The answer when the transferor asked for no subscription: the outcome itself, with `Refer-Sub: false`. */
export function answerWithoutSubscription(
  session: SipSession,
  req: SipRequest,
  tx: ServerTransaction,
  status: number,
): void {
  // Recorded: a transfer that went ahead is answered `200 OK`, not 202.
  session.respond(req, tx, status, reasonPhrase(status), [['Refer-Sub', 'false']]);
}

class ReferSubscription implements ReferProgress {
  readonly #startedAt = Date.now();
  #sentTrying = false;
  #isTerminated = false;

  constructor(private readonly session: SipSession) {}

  get isTerminated(): boolean {
    return this.#isTerminated;
  }

  notify(status: number, isFinal: boolean): void {
    if (this.#isTerminated) return;
    // The call's dialog ended (BYE either way): the subscription went with it.
    if (this.session.isTerminated) {
      this.#isTerminated = true;
      return;
    }
    if (!this.#sentTrying) {
      this.#sentTrying = true;
      if (status !== TRYING) this.#send(TRYING, false);
    }
    this.#send(status, isFinal);
    if (isFinal) this.#isTerminated = true;
  }

  #send(status: number, isFinal: boolean): void {
    const left = Math.max(0, SUBSCRIPTION_SECONDS - Math.ceil((Date.now() - this.#startedAt) / MS_PER_SECOND) - 1);
    const state = isFinal ? 'terminated;reason=noresource' : `active;expires=${left}`;
    const body = Buffer.from(`SIP/2.0 ${status} ${reasonPhrase(status)}\r\n`);
    const headers: Array<readonly [string, string]> = [
      ['Contact', this.session.contact()],
      ['Event', 'refer'],
      ['Subscription-State', state],
      ['Allow-Events', ALLOW_EVENTS],
    ];
    this.session.sendInDialog('NOTIFY', headers, body, 'message/sipfrag;version=2.0');
  }
}

/** A progress report that goes nowhere (Refer-Sub: false). */
export const NO_PROGRESS: ReferProgress = { notify: () => {}, isTerminated: true };
