import assert from 'node:assert/strict';
import test from 'node:test';

import { parseSipMessage } from '../../../src/sip/message/parse-message.js';
import { serializeSipMessage } from '../../../src/sip/message/serialize-message.js';
import { errorResponseFor } from '../../../src/sip/transport/error-response.js';
import { options } from './helpers.js';

const GOOD = options();

// name → bytes → expected status (undefined: dropped without an answer)
const CASES: [string, string, number | undefined][] = [
  ['bad Content-Length', GOOD.replace('Content-Length: 0', 'Content-Length: x'), 400],
  ['CSeq method mismatch', GOOD.replace('1 OPTIONS', '1 INVITE'), 400],
  ['compact headers', GOOD.replace('Via:', 'v:').replace('Call-ID:', 'i:').replace('Content-Length: 0', 'l: 0x'), 400],
  ['other SIP version', GOOD.replace('SIP/2.0\r\n', 'SIP/3.0\r\n'), 505],
  ['a response', 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCall-ID: a\r\nCSeq: 1 X\r\n\r\n', undefined],
  ['an ACK', GOOD.replace(/OPTIONS/g, 'ACK'), undefined],
  ['no Call-ID', GOOD.replace(/Call-ID:.*\r\n/, ''), undefined],
  ['no CSeq', GOOD.replace(/CSeq:.*\r\n/, ''), undefined],
  ['unreadable Via', GOOD.replace('Via: SIP/2.0/UDP', 'Via: SIP/2.0/UDP;;'), undefined],
  ['binary garbage', '\xde\xad\xbe\xef\x00', undefined],
  ['empty', '', undefined],
];

for (const [name, raw, status] of CASES) {
  test(`errorResponseFor: ${name} → ${status ?? 'no answer'}`, () => {
    const reply = errorResponseFor(Buffer.from(raw, 'latin1'), 'BAD_HEADER', 'BAD_HEADER: test\x00');
    assert.equal(reply?.status, status);
    if (reply === undefined) return;
    const parsed = parseSipMessage(serializeSipMessage(reply));
    assert.ok(parsed.ok && parsed.value.kind === 'response', parsed.ok ? '' : parsed.error);
    assert.equal(parsed.value.topVia?.branch, 'z9hG4bK-opt-1');
    assert.equal(parsed.value.callId, 'opt-1@client.invalid');
    assert.ok(parsed.value.toTag);
  });
}
