import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSipMessage } from '../../src/sip/message/parse-message.js';
import type { SipMessage } from '../../src/sip/message/sip-message.js';
import { dialogId } from '../../src/sip/ua/dialog.js';
import { dialogIdentity, methodLabel, SipStackStats } from '../../src/sip/ua/sip-stack-stats.js';

function message(text: string): SipMessage {
  const r = parseSipMessage(Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1'));
  assert.ok(r.ok, JSON.stringify(r));
  return r.value;
}

const OPTIONS = `OPTIONS sip:bob@127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1
From: <sip:alice@127.0.0.1>;tag=a1
To: <sip:bob@127.0.0.1>
Call-ID: c1@127.0.0.1
CSeq: 1 OPTIONS
Content-Length: 0

`;
const OK = `SIP/2.0 200 OK
Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1
From: <sip:alice@127.0.0.1>;tag=a1
To: <sip:bob@127.0.0.1>;tag=b1
Call-ID: c1@127.0.0.1
CSeq: 1 INVITE
Content-Length: 0

`;

test('the same message object sent again is a retransmission; an equal copy is not', () => {
  const stats = new SipStackStats();
  const req = message(OPTIONS);
  stats.sent(req);
  assert.equal(stats.retransmissions.size, 0);
  stats.sent(req);
  stats.sent(req);
  stats.sent(message(OPTIONS)); // a new request with the same text: a first send
  assert.deepEqual([...stats.retransmissions], [['request OPTIONS', 2]]);
  const res = message(OK);
  stats.sent(res);
  stats.sent(res);
  assert.equal(stats.retransmissions.get('response INVITE'), 1); // a response by its CSeq method
});

test('transactions are counted by role and method; unknown methods share one label', () => {
  const stats = new SipStackStats();
  stats.transactionStarted('server', 'INVITE');
  stats.transactionStarted('server', 'INVITE');
  stats.transactionStarted('client', 'BYE');
  stats.transactionStarted('server', 'XYZZY');
  assert.deepEqual(
    [...stats.transactions],
    [
      ['server INVITE', 2],
      ['client BYE', 1],
      ['server OTHER', 1],
    ],
  );
  assert.equal(methodLabel('REGISTER'), 'REGISTER');
  assert.equal(methodLabel('register'), 'OTHER'); // methods are case-sensitive (RFC 3261 §7.1)
});

test('a dialog id splits back into Call-ID and tags', () => {
  assert.deepEqual(dialogIdentity(dialogId('abc@h', 'l1', 'r1')), { callId: 'abc@h', localTag: 'l1', remoteTag: 'r1' });
});
