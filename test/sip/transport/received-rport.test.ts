import assert from 'node:assert/strict';
import test from 'node:test';

import { parseSipMessage } from '../../../src/sip/message/parse-message.js';
import type { SipRequest, SipResponse } from '../../../src/sip/message/sip-message.js';
import { serializeSipMessage } from '../../../src/sip/message/serialize-message.js';
import { responseDestination, stampReceived } from '../../../src/sip/transport/received-rport.js';
import { answer, options } from './helpers.js';

function request(via: string, extraVia = ''): SipRequest {
  let raw = options({ via });
  if (extraVia !== '') raw = raw.replace('\r\nMax-Forwards', `, ${extraVia}\r\nMax-Forwards`);
  const r = parseSipMessage(Buffer.from(raw, 'latin1'));
  assert.ok(r.ok && r.value.kind === 'request', r.ok ? '' : r.error);
  return r.value;
}

const SOURCE = { host: '192.0.2.7', port: 40000 };

const STAMP_CASES: { name: string; via: string; forceRport?: boolean; expect: string | undefined }[] = [
  { name: 'sent-by is the source, no rport', via: '192.0.2.7:5060;branch=z9hG4bK1', expect: undefined },
  {
    name: 'sent-by is a name',
    via: 'pc33.example.com;branch=z9hG4bK1',
    expect: 'SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1;received=192.0.2.7',
  },
  {
    name: 'bare rport, same host: received is still added (RFC 3581 §4)',
    via: '192.0.2.7:5060;rport;branch=z9hG4bK1',
    expect: 'SIP/2.0/UDP 192.0.2.7:5060;rport=40000;branch=z9hG4bK1;received=192.0.2.7',
  },
  {
    name: 'force_rport adds rport when absent',
    via: '10.0.0.1:5060;branch=z9hG4bK1',
    forceRport: true,
    expect: 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;received=192.0.2.7;rport=40000',
  },
  {
    name: 'a stale received is replaced in place',
    via: '10.0.0.1;received=10.9.9.9;branch=z9hG4bK1',
    expect: 'SIP/2.0/UDP 10.0.0.1;received=192.0.2.7;branch=z9hG4bK1',
  },
];

for (const c of STAMP_CASES) {
  test(`stampReceived: ${c.name}`, () => {
    const req = request(c.via);
    const before = req.header('via');
    const changed = stampReceived(req, SOURCE, { forceRport: c.forceRport ?? false });
    assert.equal(changed, c.expect !== undefined);
    assert.equal(req.header('via'), c.expect ?? before);
    // The parsed value and the wire form agree after a round trip.
    const again = parseSipMessage(serializeSipMessage(req));
    assert.ok(again.ok);
    assert.deepEqual(again.value.topVia, req.topVia);
  });
}

test('stampReceived keeps the other Via values of the same line', () => {
  const req = request('pc33.example.com;rport;branch=z9hG4bK1', 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bK0');
  stampReceived(req, { host: '::1', port: 5070 });
  assert.equal(
    req.header('via'),
    'SIP/2.0/UDP pc33.example.com;rport=5070;branch=z9hG4bK1;received=::1, SIP/2.0/UDP proxy.example.com;branch=z9hG4bK0',
  );
  assert.equal(req.via.length, 2);
  assert.equal(req.via[1]?.host, 'proxy.example.com');
});

function responseTo(via: string): SipResponse {
  return answer(request(via), 200, 'OK');
}

test('responseDestination follows RFC 3261 §18.2.2 and RFC 3581 §4', () => {
  assert.deepEqual(responseDestination(responseTo('h.example;received=192.0.2.7;rport=40000;branch=z9hG4bK1')), {
    host: '192.0.2.7',
    port: 40000,
  });
  assert.deepEqual(responseDestination(responseTo('h.example:5070;received=192.0.2.7;branch=z9hG4bK1')), {
    host: '192.0.2.7',
    port: 5070,
  });
  assert.deepEqual(responseDestination(responseTo('h.example;branch=z9hG4bK1')), { host: 'h.example', port: 5060 });
  assert.deepEqual(responseDestination(responseTo('[::1]:5071;branch=z9hG4bK1')), { host: '::1', port: 5071 });
  assert.deepEqual(responseDestination(responseTo('h.example;maddr=239.255.255.1;ttl=1;branch=z9hG4bK1')), {
    host: '239.255.255.1',
    port: 5060,
  });
  assert.deepEqual(responseDestination(responseTo('h.example;received=192.0.2.7;branch=z9hG4bK1'), 'tcp-4'), {
    host: '192.0.2.7',
    port: 5060,
    connectionId: 'tcp-4',
  });
});
