import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointConfig, IdentifyConfig } from '../../../../src/config/pjsip-types.js';
import { EndpointIdentifier, matchContains } from '../../../../src/channels/pjsip/registrar/identify.js';
import { endpoint, request } from './helpers.js';

function options(fromUser: string) {
  return request([
    'OPTIONS sip:192.0.2.1 SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-opt',
    `From: <sip:${fromUser}@192.0.2.10>;tag=a`,
    'To: <sip:192.0.2.1>',
    'Call-ID: opt-1',
    'CSeq: 1 OPTIONS',
  ]);
}

const eps = (...list: EndpointConfig[]) => new Map(list.map((e) => [e.name, e]));

const identifies: IdentifyConfig[] = [
  { name: 'trunk', endpoint: 'trunk', match: [{ address: '203.0.113.0', prefix: 24, family: 'ipv4' }] },
  { name: 'pbx', endpoint: 'pbx', match: [{ address: '203.0.113.5', prefix: 32, family: 'ipv4', port: 5080 }] },
  { name: 'v6', endpoint: 'v6', match: [{ address: '2001:db8:1::', prefix: 48, family: 'ipv6' }] },
  { name: 'noip', endpoint: 'alice', match: [{ address: '198.51.100.0', prefix: 24, family: 'ipv4' }] },
];

const all = eps(
  endpoint('trunk'),
  endpoint('pbx'),
  endpoint('v6'),
  endpoint('alice', { identifyBy: ['username'] }),
  endpoint('bob'),
);

test('by IP: CIDR, a single host with a port (most specific wins), IPv6 and IPv4-mapped IPv6', () => {
  const id = new EndpointIdentifier({ endpoints: all, identifies });
  const name = (host: string, port = 5060, user = 'nobody') => id.identify(options(user), { host, port })?.name;
  assert.equal(name('203.0.113.77'), 'trunk');
  assert.equal(name('203.0.113.5', 5060), 'trunk');
  assert.equal(name('203.0.113.5', 5080), 'pbx');
  assert.equal(name('203.0.114.5'), undefined);
  assert.equal(name('2001:db8:1:ffff::9'), 'v6');
  assert.equal(name('[2001:db8:1::1]'), 'v6');
  assert.equal(name('2001:db8:2::1'), undefined);
  assert.equal(name('::ffff:203.0.113.9'), 'trunk');
});

test("an identify match does not apply when the endpoint's identify_by lacks ip", () => {
  const id = new EndpointIdentifier({ endpoints: all, identifies });
  assert.equal(id.identify(options('nobody'), { host: '198.51.100.20', port: 5060 }), undefined);
});

test('by username: the From user names an endpoint identified by username', () => {
  const id = new EndpointIdentifier({ endpoints: all, identifies });
  assert.equal(id.identify(options('bob'), { host: '192.0.2.10', port: 5060 })?.name, 'bob');
  assert.equal(id.identify(options('alice'), { host: '192.0.2.10', port: 5060 })?.name, 'alice');
  const ipOnly = eps(endpoint('carol', { identifyBy: ['ip'] }));
  assert.equal(
    new EndpointIdentifier({ endpoints: ipOnly, identifies: [] }).identify(options('carol'), {
      host: '192.0.2.10',
      port: 5060,
    }),
    undefined,
  );
});

test('the global order decides between ip and username; anonymous comes last and only if configured', () => {
  const source = { host: '203.0.113.9', port: 5060 };
  assert.equal(new EndpointIdentifier({ endpoints: all, identifies }).identify(options('bob'), source)?.name, 'trunk');
  const userFirst = new EndpointIdentifier({ endpoints: all, identifies, endpointIdentifierOrder: ['username', 'ip'] });
  assert.equal(userFirst.identify(options('bob'), source)?.name, 'bob');
  const withAnon = eps(endpoint('anonymous'), endpoint('bob'));
  const id = new EndpointIdentifier({ endpoints: withAnon, identifies: [] });
  assert.equal(id.identify(options('stranger'), { host: '192.0.2.99', port: 5060 })?.name, 'anonymous');
  assert.equal(id.identify(options('bob'), { host: '192.0.2.99', port: 5060 })?.name, 'bob');
  const noAnon = new EndpointIdentifier({
    endpoints: withAnon,
    identifies: [],
    endpointIdentifierOrder: ['ip', 'username'],
  });
  assert.equal(noAnon.identify(options('stranger'), { host: '192.0.2.99', port: 5060 }), undefined);
});

test('matchContains: prefix edges and family mismatch', () => {
  const m = { address: '10.1.0.0', prefix: 16, family: 'ipv4' as const };
  assert.equal(matchContains(m, { host: '10.1.255.255', port: 1 }), true);
  assert.equal(matchContains(m, { host: '10.2.0.0', port: 1 }), false);
  assert.equal(matchContains({ address: '0.0.0.0', prefix: 0, family: 'ipv4' }, { host: '8.8.8.8', port: 1 }), true);
  assert.equal(matchContains({ address: '::', prefix: 0, family: 'ipv6' }, { host: '8.8.8.8', port: 1 }), false);
  assert.equal(matchContains({ address: '::1', prefix: 128, family: 'ipv6' }, { host: '::1', port: 1 }), true);
  assert.equal(matchContains(m, { host: 'not-an-ip', port: 1 }), false);
});
