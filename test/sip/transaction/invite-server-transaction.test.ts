import assert from 'node:assert/strict';
import test from 'node:test';

import { InviteServerTransaction } from '../../../src/sip/transaction/invite-server-transaction.js';
import type { SipResponse } from '../../../src/sip/message/sip-message.js';
import { TCP, UDP, request, response, setup } from './harness.js';

function started(dest = UDP) {
  const s = setup();
  const events = { timeouts: 0, ended: 0 };
  const tx = new InviteServerTransaction(
    request({ transport: dest.transport, extra: 'Timestamp: 54\n' }),
    dest,
    s.ctx,
    { onTimeout: () => events.timeouts++ },
    () => events.ended++,
  );
  tx.start();
  return { ...s, tx, events };
}

test('100 Trying goes out at 200 ms when the TU has not answered, copying Via, From, To, Call-ID, CSeq, Timestamp', () => {
  const { clock, transport, tx } = started();
  clock.advance(190);
  assert.equal(transport.sent.length, 0);
  clock.advance(10);
  assert.deepEqual(transport.times('SIP/2.0 100'), [200]);
  const trying = transport.sent[0]!.msg as SipResponse;
  assert.equal(trying.via.length, 2);
  assert.equal(trying.topVia?.branch, 'z9hG4bK776asdhds');
  assert.equal(trying.header('timestamp'), '54');
  assert.equal(trying.callId, 'a84b4c76e66710@pc33.example.com');
  assert.deepEqual(trying.cseq, { seq: 314159, method: 'INVITE' });
  assert.equal(tx.state, 'proceeding');
});

test('no 100 Trying when the TU answers within 200 ms', () => {
  const { clock, transport, tx } = started();
  clock.advance(100);
  tx.respond(response(180, 'Ringing'));
  clock.advance(1000);
  assert.deepEqual(transport.times('SIP/2.0 1'), [100]);
});

test('a retransmitted INVITE gets the last provisional again and never reaches the TU', () => {
  const { clock, transport, tx } = started();
  tx.receiveRequest(request());
  assert.equal(transport.sent.length, 0, 'nothing to resend yet');
  clock.advance(50);
  tx.respond(response(180, 'Ringing'));
  tx.receiveRequest(request());
  assert.deepEqual(transport.times('SIP/2.0 180'), [50, 50]);
});

test('over UDP the final response is retransmitted per Timer G (T1 doubling to T2) until Timer H, then the TU is told', () => {
  const { clock, transport, tx, events } = started();
  tx.respond(response(486, 'Busy Here'));
  assert.equal(tx.state, 'completed');
  clock.advance(31_999);
  assert.deepEqual(
    transport.times('SIP/2.0 486'),
    [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500],
  );
  assert.equal(events.timeouts, 0);
  clock.advance(1);
  assert.equal(tx.state, 'terminated');
  assert.equal(events.timeouts, 1);
  assert.equal(events.ended, 1);
});

test('the ACK stops retransmission and is absorbed; Timer I (T4) ends the transaction', () => {
  const { clock, transport, tx, events, ctx } = started();
  tx.respond(response(486, 'Busy Here'));
  clock.advance(600);
  assert.equal(tx.receiveAck(request({ method: 'ACK', cseqMethod: 'ACK' })), true);
  assert.equal(tx.state, 'confirmed');
  assert.equal(tx.receiveAck(request({ method: 'ACK', cseqMethod: 'ACK' })), true);
  tx.receiveRequest(request());
  clock.advance(4990);
  assert.equal(tx.state, 'confirmed');
  clock.advance(10);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(transport.times('SIP/2.0 486'), [0, 500]);
  assert.equal(events.timeouts, 0);
  assert.equal(ctx.wheel.size, 0);
});

test('a retransmitted INVITE in Completed gets the final response again', () => {
  const { clock, transport, tx } = started();
  tx.respond(response(404, 'Not Found'));
  clock.advance(100);
  tx.receiveRequest(request());
  assert.deepEqual(transport.times('SIP/2.0 404'), [0, 100]);
});

test('over TCP the final is sent once and the ACK ends the transaction at once (Timer I is 0)', () => {
  const { clock, transport, tx } = started(TCP);
  tx.respond(response(486, 'Busy Here'));
  clock.advance(10_000);
  assert.deepEqual(transport.times('SIP/2.0 486'), [0]);
  tx.receiveAck(request({ method: 'ACK', cseqMethod: 'ACK' }));
  assert.equal(tx.state, 'terminated');
});

test('a 2xx moves to Accepted: INVITEs absorbed, the TU retransmits its 2xx, ACKs go to the TU, Timer L ends it', () => {
  const { clock, transport, tx } = started();
  tx.respond(response(200, 'OK'));
  assert.equal(tx.state, 'accepted');
  tx.receiveRequest(request());
  clock.advance(500);
  tx.respond(response(200, 'OK'));
  assert.deepEqual(transport.times('SIP/2.0 200'), [0, 500]);
  assert.equal(tx.receiveAck(request({ method: 'ACK', cseqMethod: 'ACK' })), false);
  assert.throws(() => tx.respond(response(486, 'Busy Here')), /cannot send 486/);
  clock.advance(31_500);
  assert.equal(tx.state, 'terminated');
});

test('entering Accepted lets go of the INVITE and the 2xx, which live on only in the TU for the 32 s of Timer L', () => {
  const { clock, transport, tx } = started();
  clock.advance(200);
  assert.equal(tx.request?.method, 'INVITE');
  assert.equal(tx.lastResponse?.status, 100);
  tx.respond(response(200, 'OK'));
  assert.equal(tx.request, undefined);
  assert.equal(tx.lastResponse, undefined);
  tx.receiveRequest(request());
  tx.respond(response(200, 'OK'));
  assert.deepEqual(transport.times('SIP/2.0 200'), [200, 200]);
});

test('a non-2xx final keeps the response for Timer G and the INVITE while Completed', () => {
  const { tx } = started();
  tx.respond(response(486, 'Busy Here'));
  assert.equal(tx.request?.method, 'INVITE');
  assert.equal(tx.lastResponse?.status, 486);
});

test('a second final response is a programmer error', () => {
  const { tx } = started();
  tx.respond(response(486, 'Busy Here'));
  assert.throws(() => tx.respond(response(500, 'Server Internal Error')), /INVALID_TRANSACTION_STATE|cannot send/);
});
