// Counts the SIP stack keeps for the operator (RFC 3261 §17): transactions started, by role and method, and
// retransmissions sent. A retransmission is the same message object handed to the transport again: Timers A, E and
// G resend the transaction's request or last response, a retransmitted request is answered with the last response
// (§17.2.1, §17.2.2), and the UAS core resends its 2xx until the ACK (§13.3.1.4) — each reuses the object it sent
// first, so a WeakSet of sent messages tells first sends from repeats without keeping any message alive.

import type { SipMessage } from '../message/sip-message.js';

/** Methods counted under their own name; anything else a peer sends is counted as OTHER (bounded label values). */
const KNOWN_METHODS = new Set([
  'INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO',
  'REFER', 'MESSAGE', 'UPDATE',
]); // prettier-ignore

export type TransactionRole = 'client' | 'server';

/** The method as a metric label: its name when it is a standard method, else OTHER. */
export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'OTHER';
}

export class SipStackStats {
  /** Transactions started, keyed `role method` (e.g. `server INVITE`). */
  readonly transactions = new Map<string, number>();
  /** Messages sent again, keyed `request|response method` (a response by its CSeq method). */
  readonly retransmissions = new Map<string, number>();

  transactionStarted(role: TransactionRole, method: string): void {
    const key = `${role} ${methodLabel(method)}`;
    this.transactions.set(key, (this.transactions.get(key) ?? 0) + 1);
  }

  /** A message handed to a transport. */
  sent(msg: SipMessage): void {
    if (msg.timesSent++ === 0) return;
    const key = `${msg.kind} ${methodLabel(msg.kind === 'request' ? msg.method : msg.cseq.method)}`;
    this.retransmissions.set(key, (this.retransmissions.get(key) ?? 0) + 1);
  }
}

/** Told when the stack starts and stops routing requests to a dialog (the operator's call log). */
export interface DialogListener {
  onDialogStart(dialog: DialogIdentity): void;
  onDialogEnd(dialog: DialogIdentity): void;
}

/** RFC 3261 §12: a dialog is identified by its Call-ID, local tag and remote tag. */
export interface DialogIdentity {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
}

/** The parts of a dialog id as `dialogId()` (dialog.ts) joins them: Call-ID, local tag, remote tag. */
export function dialogIdentity(id: string): DialogIdentity {
  const [callId = '', localTag = '', remoteTag = ''] = id.split('\u0000');
  return { callId, localTag, remoteTag };
}
