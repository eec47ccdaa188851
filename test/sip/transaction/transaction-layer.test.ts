import assert from 'node:assert/strict';
import test from 'node:test';

import type { SipRequest, SipResponse } from '../../../src/sip/message/sip-message.js';
import { InviteServerTransaction } from '../../../src/sip/transaction/invite-server-transaction.js';
import { newBranch } from '../../../src/sip/transaction/transaction-id.js';
import {
  type ServerTransaction,
  TransactionLayer,
  type TransactionLayerOptions,
} from '../../../src/sip/transaction/transaction-layer.js';
import type { Destination } from '../../../src/sip/transaction/transaction-ports.js';
import { UDP, recordingUser, request, response, setup } from './harness.js';

const SOURCE: Destination = { host: '198.51.100.7', port: 5070, transport: 'UDP' };

function layer(options: TransactionLayerOptions = {}) {
  const s = setup();
  const seen: { req: SipRequest; tx: ServerTransaction | undefined }[] = [];
  const stray: SipResponse[] = [];
  const overloads: SipRequest[] = [];
  const timeouts: InviteServerTransaction[] = [];
  const l = new TransactionLayer(
    s.transport,
    {
      onRequest: (req, tx) => seen.push({ req, tx }),
      onStrayResponse: (res) => stray.push(res),
      onOverload: (req) => overloads.push(req),
      onServerTimeout: (tx) => timeouts.push(tx),
    },
    s.wheel,
    options,
  );
  return { ...s, l, seen, stray, overloads, timeouts };
}

test('responses match a client transaction by branch and CSeq method', () => {
  const { l, stray } = layer();
  const user = recordingUser();
  l.sendRequest(request(), UDP, user);
  l.receiveResponse(response(180, 'Ringing'), SOURCE);
  l.receiveResponse(response(200, 'OK', { method: 'CANCEL' }), SOURCE); // same branch, other method
  l.receiveResponse(response(180, 'Ringing', { branch: 'z9hG4bKother' }), SOURCE);
  assert.deepEqual(user.responses, [180]);
  assert.equal(stray.length, 2);
});

test('a CANCEL is its own client transaction beside the INVITE it cancels', () => {
  const { l } = layer();
  const inviteUser = recordingUser();
  const cancelUser = recordingUser();
  l.sendRequest(request(), UDP, inviteUser);
  l.sendRequest(request({ method: 'CANCEL' }), UDP, cancelUser);
  assert.equal(l.clientCount, 2);
  l.receiveResponse(response(200, 'OK', { method: 'CANCEL' }), SOURCE);
  l.receiveResponse(response(487, 'Request Terminated'), SOURCE);
  assert.deepEqual(cancelUser.responses, [200]);
  assert.deepEqual(inviteUser.responses, [487]);
});

test('a client transaction is forgotten when it terminates; a 2xx after Timer M is a stray for the core', () => {
  const { clock, l, stray } = layer();
  l.sendRequest(request(), UDP, recordingUser());
  l.receiveResponse(response(200, 'OK'), SOURCE);
  assert.equal(l.clientCount, 1);
  clock.advance(32_000);
  assert.equal(l.clientCount, 0);
  l.receiveResponse(response(200, 'OK'), SOURCE);
  assert.equal(stray.length, 1);
});

test('a retransmitted request matches its server transaction and is not passed to the TU again', () => {
  const { l, seen, transport } = layer();
  l.receiveRequest(request({ method: 'OPTIONS' }), SOURCE);
  assert.equal(seen.length, 1);
  const tx = seen[0]!.tx!;
  tx.respond(response(200, 'OK', { method: 'OPTIONS' }));
  l.receiveRequest(request({ method: 'OPTIONS' }), SOURCE);
  assert.equal(seen.length, 1);
  assert.deepEqual(transport.times('SIP/2.0 200'), [0, 0]);
  assert.equal(l.serverCount, 1);
});

test('the same branch from another sent-by, or with another method, is another transaction', () => {
  const { l, seen } = layer();
  l.receiveRequest(request({ method: 'OPTIONS' }), SOURCE);
  l.receiveRequest(request({ method: 'OPTIONS', sentBy: 'other.example.com:5060' }), SOURCE);
  l.receiveRequest(request({ method: 'INFO' }), SOURCE);
  assert.equal(seen.length, 3);
  assert.equal(l.serverCount, 3);
});

test('the ACK for a non-2xx is absorbed by the INVITE server transaction; the ACK for a 2xx goes to the TU', () => {
  const { l, seen } = layer();
  l.receiveRequest(request(), SOURCE);
  const ist = seen[0]!.tx as InviteServerTransaction;
  ist.respond(response(486, 'Busy Here'));
  l.receiveRequest(request({ method: 'ACK' }), SOURCE);
  assert.equal(ist.state, 'confirmed');
  assert.equal(seen.length, 1);

  l.receiveRequest(request({ branch: 'z9hG4bKsecond' }), SOURCE);
  const ok = seen[1]!.tx as InviteServerTransaction;
  ok.respond(response(200, 'OK', { branch: 'z9hG4bKsecond' }));
  l.receiveRequest(request({ method: 'ACK', branch: 'z9hG4bKack2xx' }), SOURCE);
  assert.equal(seen.length, 3);
  assert.equal(seen[2]!.req.method, 'ACK');
  assert.equal(seen[2]!.tx, undefined);
});

test('a CANCEL gets its own server transaction and finds the INVITE it targets', () => {
  const { l, seen } = layer();
  l.receiveRequest(request(), SOURCE);
  l.receiveRequest(request({ method: 'CANCEL' }), SOURCE);
  assert.equal(seen.length, 2);
  const [invite, cancel] = [seen[0]!.tx!, seen[1]!.tx!];
  assert.notEqual(invite, cancel);
  assert.ok(invite instanceof InviteServerTransaction);
  assert.ok(!(cancel instanceof InviteServerTransaction));
  assert.equal(l.findInviteServerTransaction(seen[1]!.req), invite);
  assert.equal(l.findInviteServerTransaction(request({ method: 'CANCEL', branch: 'z9hG4bKnone' })), undefined);
});

test('responses go to the source port with rport, else to the source address and the Via port', () => {
  const { l, seen, transport } = layer();
  l.receiveRequest(request({ method: 'OPTIONS', sentBy: 'pc33.example.com:5062;rport' }), SOURCE);
  l.receiveRequest(request({ method: 'OPTIONS', sentBy: 'pc33.example.com:5062', branch: 'z9hG4bK2' }), SOURCE);
  for (const s of seen) s.tx!.respond(response(200, 'OK', { method: 'OPTIONS' }));
  assert.deepEqual(
    transport.sent.map((s) => s.dest),
    [SOURCE, { host: SOURCE.host, port: 5062, transport: 'UDP' }],
  );
});

test('past the server transaction limit new requests get a stateless 503; retransmissions still match', () => {
  const { clock, l, seen, overloads, transport } = layer({ maxServerTransactions: 3 });
  for (let i = 0; i < 10; i++) l.receiveRequest(request({ method: 'OPTIONS', branch: newBranch() }), SOURCE);
  assert.equal(l.serverCount, 3);
  assert.equal(seen.length, 3);
  assert.equal(overloads.length, 7);
  assert.equal(transport.times('SIP/2.0 503').length, 7);
  assert.equal((transport.sent[0]!.msg as SipResponse).header('retry-after'), '5');
  l.receiveRequest(seen[0]!.req, SOURCE); // a retransmission is not a new transaction
  assert.equal(overloads.length, 7);
  for (const s of seen) s.tx!.respond(response(200, 'OK', { method: 'OPTIONS' }));
  clock.advance(32_000); // Timer J frees the slots
  assert.equal(l.serverCount, 0);
  l.receiveRequest(request({ method: 'OPTIONS', branch: newBranch() }), SOURCE);
  assert.equal(seen.length, 4);
});

test('answered INVITEs (Accepted, Timer L) do not count against the limit; unanswered ones do', () => {
  const { l, seen, overloads } = layer({ maxServerTransactions: 2 });
  for (let i = 0; i < 2; i++) l.receiveRequest(request({ branch: newBranch() }), SOURCE);
  for (const s of seen) s.tx!.respond(response(200, 'OK'));
  for (let i = 0; i < 2; i++) l.receiveRequest(request({ branch: newBranch() }), SOURCE);
  assert.equal(overloads.length, 0);
  assert.equal(l.serverCount, 4);
  // Two unanswered (Proceeding) INVITEs fill the limit again: the next one is refused.
  l.receiveRequest(request({ branch: newBranch() }), SOURCE);
  assert.equal(overloads.length, 1);
});

test('Timer H on an INVITE server transaction reaches the core, and the transaction is removed', () => {
  const { clock, l, seen, timeouts } = layer();
  l.receiveRequest(request(), SOURCE);
  seen[0]!.tx!.respond(response(480, 'Temporarily Unavailable'));
  clock.advance(32_000);
  assert.deepEqual(timeouts, [seen[0]!.tx]);
  assert.equal(l.serverCount, 0);
});

test('an ACK cannot start a client transaction; a duplicate branch is refused', () => {
  const { l } = layer();
  assert.throws(() => l.sendRequest(request({ method: 'ACK' }), UDP, recordingUser()), TypeError);
  l.sendRequest(request(), UDP, recordingUser());
  assert.throws(() => l.sendRequest(request(), UDP, recordingUser()), /exists/);
});
