import assert from 'node:assert/strict';
import test from 'node:test';

import { serializeSipMessage } from '../../../src/sip/message/serialize-message.js';
import type { SipRequest } from '../../../src/sip/message/sip-message.js';
import { InviteClientTransaction } from '../../../src/sip/transaction/invite-client-transaction.js';
import { TCP, UDP, recordingUser, request, response, setup } from './harness.js';

test('INVITE over UDP is retransmitted at 500, 1500, 3500 … ms and times out at Timer B (32 s)', () => {
  const { clock, transport, ctx } = setup();
  const user = recordingUser();
  let ended = 0;
  const tx = new InviteClientTransaction(request(), UDP, ctx, user, () => ended++);
  tx.start();
  clock.advance(31_990);
  assert.deepEqual(transport.times('INVITE'), [0, 500, 1500, 3500, 7500, 15500, 31500]);
  assert.equal(user.timeouts, 0);
  assert.equal(tx.state, 'calling');
  clock.advance(10);
  assert.equal(user.timeouts, 1);
  assert.equal(tx.state, 'terminated');
  assert.equal(ended, 1);
  clock.advance(60_000);
  assert.equal(transport.sent.length, 7, 'nothing is sent after Timer B');
  assert.equal(ctx.wheel.size, 0, 'no timer is left behind');
});

test('the schedule is the same when the clock is advanced in one jump', () => {
  const { clock, transport, ctx } = setup();
  const user = recordingUser();
  new InviteClientTransaction(request(), UDP, ctx, user).start();
  clock.advance(40_000);
  assert.deepEqual(transport.times('INVITE'), [0, 500, 1500, 3500, 7500, 15500, 31500]);
  assert.equal(user.timeouts, 1);
});

test('over TCP the INVITE is sent once and still times out at Timer B', () => {
  const { clock, transport, ctx } = setup();
  const user = recordingUser();
  new InviteClientTransaction(request({ transport: 'TCP' }), TCP, ctx, user).start();
  clock.advance(31_999);
  assert.deepEqual(transport.times('INVITE'), [0]);
  clock.advance(1);
  assert.equal(user.timeouts, 1);
});

test('a provisional response stops retransmission and Timer B', () => {
  const { clock, transport, ctx } = setup();
  const user = recordingUser();
  const tx = new InviteClientTransaction(request(), UDP, ctx, user);
  tx.start();
  clock.advance(600);
  tx.receiveResponse(response(180, 'Ringing'));
  assert.equal(tx.state, 'proceeding');
  assert.equal(ctx.wheel.size, 0, 'Timers A and B are cancelled');
  clock.advance(100_000);
  assert.deepEqual(transport.times('INVITE'), [0, 500]);
  assert.equal(user.timeouts, 0);
  assert.deepEqual(user.responses, [180]);
});

test('a non-2xx final is ACKed by the transaction: same branch, the response To tag, one Via, CSeq ACK', () => {
  const { transport, ctx } = setup();
  const user = recordingUser();
  const invite = request();
  const tx = new InviteClientTransaction(invite, UDP, ctx, user);
  tx.start();
  tx.receiveResponse(response(100, 'Trying', { toTag: '' }));
  tx.receiveResponse(response(486, 'Busy Here', { toTag: 'busy77' }));
  assert.equal(tx.state, 'completed');
  assert.deepEqual(user.responses, [100, 486]);
  const ack = transport.sent.at(-1)!.msg as SipRequest;
  assert.equal(ack.method, 'ACK');
  assert.equal(ack.uri, invite.uri);
  assert.equal(ack.via.length, 1);
  assert.equal(ack.topVia?.branch, 'z9hG4bK776asdhds');
  assert.equal(ack.toTag, 'busy77');
  assert.equal(ack.fromTag, '1928301774');
  assert.deepEqual(ack.cseq, { seq: 314159, method: 'ACK' });
  assert.equal(
    serializeSipMessage(ack).toString(),
    [
      'ACK sip:bob@example.com SIP/2.0',
      'Via: SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bK776asdhds',
      'Route: <sip:p1.example.com;lr>',
      'Max-Forwards: 70',
      'From: Alice <sip:alice@example.com>;tag=1928301774',
      'To: Bob <sip:bob@example.com>;tag=busy77',
      'Call-ID: a84b4c76e66710@pc33.example.com',
      'CSeq: 314159 ACK',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
});

test('a retransmitted final in Completed is ACKed again and not passed up; Timer D ends it after 32 s', () => {
  const { clock, transport, ctx } = setup();
  const user = recordingUser();
  const tx = new InviteClientTransaction(request(), UDP, ctx, user);
  tx.start();
  clock.advance(100);
  tx.receiveResponse(response(603, 'Decline'));
  clock.advance(1000);
  tx.receiveResponse(response(603, 'Decline'));
  assert.deepEqual(transport.times('ACK'), [100, 1100]);
  assert.deepEqual(user.responses, [603]);
  clock.advance(30_990);
  assert.equal(tx.state, 'completed');
  clock.advance(10);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(transport.times('INVITE'), [0]);
});

test('over TCP a non-2xx final terminates at once (Timer D is 0)', () => {
  const { transport, ctx } = setup();
  const tx = new InviteClientTransaction(request({ transport: 'TCP' }), TCP, ctx, recordingUser());
  tx.start();
  tx.receiveResponse(response(404, 'Not Found'));
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(transport.times('ACK'), [0]);
});

test('a 2xx goes to the TU, which sees its retransmissions until Timer M; the transaction sends no ACK', () => {
  const { clock, transport, ctx } = setup();
  const user = recordingUser();
  const tx = new InviteClientTransaction(request(), UDP, ctx, user);
  tx.start();
  tx.receiveResponse(response(200, 'OK'));
  assert.equal(tx.state, 'accepted');
  clock.advance(4000);
  tx.receiveResponse(response(200, 'OK'));
  tx.receiveResponse(response(486, 'Busy Here'));
  assert.deepEqual(user.responses, [200, 200]);
  assert.deepEqual(transport.times('ACK'), []);
  assert.deepEqual(transport.times('INVITE'), [0]);
  clock.advance(28_000);
  assert.equal(tx.state, 'terminated');
});

test('a transport error terminates the transaction and tells the TU', () => {
  const { clock, transport, ctx } = setup();
  const user = recordingUser();
  const tx = new InviteClientTransaction(request(), UDP, ctx, user);
  tx.start();
  transport.failNext = true;
  clock.advance(500);
  assert.equal(tx.state, 'terminated');
  assert.equal(user.errors.length, 1);
  assert.equal(ctx.wheel.size, 0);
});
