// Transaction identity (RFC 3261 §17.1.3, §17.2.3): the keys the transaction layer's maps use.

import { randomBytes } from 'node:crypto';

import type { Via } from '../message/header-values.js';
import type { SipRequest, SipResponse } from '../message/sip-message.js';

/** §8.1.1.7: every branch we create starts with the magic cookie. */
export const MAGIC_COOKIE = 'z9hG4bK';

/** A new, globally unique branch parameter. */
export function newBranch(): string {
  return MAGIC_COOKIE + randomBytes(12).toString('base64url');
}

function sentBy(via: Via): string {
  return `${via.host.toLowerCase()}:${via.port ?? ''}`;
}

/** §17.1.3: a client transaction is its branch and the CSeq method (a CANCEL has its own transaction). */
export function clientTransactionId(branch: string, method: string): string {
  return `${branch}|${method}`;
}

/** The client transaction a response belongs to, or undefined when its top Via has no branch. */
export function responseTransactionId(res: SipResponse): string | undefined {
  const branch = res.topVia?.branch;
  return branch === undefined ? undefined : clientTransactionId(branch, res.cseq.method);
}

/**
 * §17.2.3: a server transaction is the top Via's branch, its sent-by, and the method, with ACK folded into INVITE.
 * Requests without the magic cookie (RFC 2543) fall back to Call-ID, CSeq number, From tag and sent-by; the To tag
 * and Request-URI comparisons of §17.2.3 are not done. Undefined when the request has no Via.
 */
export function serverTransactionId(
  req: SipRequest,
  method = req.method === 'ACK' ? 'INVITE' : req.method,
): string | undefined {
  const via = req.topVia;
  if (via === undefined) return undefined;
  const branch = via.branch;
  if (branch !== undefined && branch.startsWith(MAGIC_COOKIE)) return `${branch}|${sentBy(via)}|${method}`;
  return `2543|${req.callId}|${req.cseq.seq}|${req.fromTag ?? ''}|${sentBy(via)}|${method}`;
}
