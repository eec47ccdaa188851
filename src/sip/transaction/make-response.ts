// RFC 3261 §8.2.6.2: a response copies the request's Via (all of them, in order), From, To, Call-ID and CSeq.
// Used for the transaction layer's own responses: 100 Trying (§17.2.1, with Timestamp per §8.2.6.1) and the 503
// that refuses a request past the server transaction limit.

import { type SipHeader, SipRequest, SipResponse, makeHeader } from '../message/sip-message.js';

const COPIED = new Set(['via', 'from', 'to', 'call-id', 'cseq']);

export function makeResponse(req: SipRequest, status: number, reason: string, extra: SipHeader[] = []): SipResponse {
  const headers: SipHeader[] = [];
  for (const h of req.headers) if (COPIED.has(h.key) || (status === 100 && h.key === 'timestamp')) headers.push(h);
  for (const h of extra) headers.push(h);
  headers.push(makeHeader('Content-Length', '0'));
  return new SipResponse(status, reason, {
    headers,
    body: Buffer.alloc(0),
    via: req.via,
    from: req.from,
    to: req.to,
    callId: req.callId,
    cseq: req.cseq,
    contentLength: 0,
    maxForwards: undefined,
  });
}
