import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callerFromFrom, displayUri, requestExten } from '../../../src/channels/pjsip/sip-identity.js';
import { parseSipMessage } from '../../../src/sip/message/parse-message.js';
import type { SipRequest } from '../../../src/sip/message/sip-message.js';
import { parseUri } from '../../../src/sip/message/sip-uri.js';

function invite(extra: string): SipRequest {
  const text =
    'INVITE sip:1000@127.0.0.1:5060 SIP/2.0\r\n' +
    'Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-1\r\n' +
    'From: "Alice" <sip:alice;npdi@127.0.0.1:5080>;tag=1\r\n' +
    'To: <sip:1000@127.0.0.1>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n' +
    extra +
    'Content-Length: 0\r\n\r\n';
  const r = parseSipMessage(Buffer.from(text));
  assert.ok(r.ok && r.value.kind === 'request');
  return r.value;
}

test('caller id comes from From: display name and user part cut at ";" (sip-reference §1.2)', () => {
  assert.deepEqual(callerFromFrom(invite('')), { name: 'Alice', number: 'alice' });
});

test('P-Asserted-Identity (then Remote-Party-ID) wins only with trust_id_inbound', () => {
  const pai = invite('P-Asserted-Identity: "Front Desk" <sip:2000@pbx.example>\r\n');
  assert.deepEqual(callerFromFrom(pai), { name: 'Alice', number: 'alice' });
  assert.deepEqual(callerFromFrom(pai, true), { name: 'Front Desk', number: '2000' });
  const rpid = invite('Remote-Party-ID: "Ops" <sip:3000@pbx.example>;party=calling;privacy=off\r\n');
  assert.deepEqual(callerFromFrom(rpid, true), { name: 'Ops', number: '3000' });
});

test('the extension is the Request-URI user, s without one; URIs for display drop the port', () => {
  const withUser = parseUri('sip:1000@127.0.0.1:5060');
  const without = parseUri('sip:127.0.0.1:5060');
  assert.ok(withUser.ok && without.ok);
  assert.equal(requestExten(withUser.value), '1000');
  assert.equal(requestExten(without.value), 's');
  assert.equal(displayUri('Alice', 'sip:alice@127.0.0.1:5080'), '"Alice" <sip:alice@127.0.0.1>');
  assert.equal(displayUri(undefined, 'sip:bob@127.0.0.1'), '<sip:bob@127.0.0.1>');
});
