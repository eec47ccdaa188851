// UnicastRTP (chan_rtp): its dial string (options as ast_app_parse_options reads them, host:port as
// ast_sockaddr_split_hostport splits it), the destination's resolution and local address, and the channel
// reached the other ways Asterisk allows: ARI originate (format from `formats`, RTP statistics with `g`) and
// Dial() from the dialplan, with real audio both ways.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { after, before, test } from 'node:test';
import { localAddressFor, resolveDestination } from '../../src/channels/unicast-rtp/unicast-rtp-media.js';
import { parseDialOptions, parseUnicastRtpDialString } from '../../src/channels/unicast-rtp/unicast-rtp-dial-string.js';
import { splitHostPort } from '../../src/core/external-media.js';
import { ari, EventSocket } from '../helpers/ari.js';
import { sine, toneRatio } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { ExternalRtpPeer } from '../e2e/external-media-peer.js';

test('host:port splits as ast_sockaddr_split_hostport with the port required', () => {
  const cases: ReadonlyArray<readonly [string, { host: string; port: string } | undefined]> = [
    ['127.0.0.1:4000', { host: '127.0.0.1', port: '4000' }],
    ['media.example:4000', { host: 'media.example', port: '4000' }],
    ['[::1]:4000', { host: '::1', port: '4000' }],
    ['host:', { host: 'host', port: '' }],
    [':4000', { host: '', port: '4000' }],
    ['[::1]:', { host: '::1', port: '' }],
    ['127.0.0.1', undefined],
    ['::1:4000', undefined],
    ['[::1]', undefined],
    ['[::1]4000', undefined],
    ['[::1:4000', undefined],
  ];
  for (const [text, expected] of cases) assert.deepEqual(splitHostPort(text), expected, text);
});

test('dial options: letters with arguments in nested parentheses, an unclosed one fails', () => {
  assert.deepEqual(
    [...parseDialOptions('c(ulaw)g')!],
    [
      ['c', 'ulaw'],
      ['g', ''],
    ],
  );
  assert.deepEqual(
    [...parseDialOptions('c(a(b))s')!],
    [
      ['c', 'a(b)'],
      ['s', ''],
    ],
  );
  assert.deepEqual([...parseDialOptions('c(a\\)b)')!], [['c', 'a)b']]);
  assert.deepEqual(
    [...parseDialOptions('xc')!],
    [
      ['x', ''],
      ['c', ''],
    ],
  );
  assert.deepEqual([...parseDialOptions('')!], []);
  assert.equal(parseDialOptions('c(ulaw'), undefined);
});

test('UnicastRTP dial strings: destination, c(), e(), g, s; bad ones give a reason', () => {
  const ok = parseUnicastRtpDialString('127.0.0.1:5000/c(slin16)gs');
  assert.deepEqual(ok, {
    ok: true,
    value: {
      destination: '127.0.0.1:5000',
      host: '127.0.0.1',
      port: '5000',
      format: 'slin16',
      hasGlue: true,
      isSymmetric: true,
    },
  });
  const v6 = parseUnicastRtpDialString('[::1]:5000');
  assert.ok(v6.ok && v6.value.host === '::1' && v6.value.destination === '[::1]:5000' && v6.value.format === undefined);
  const emptyCodec = parseUnicastRtpDialString('h:5000/c()e(asterisk)');
  assert.ok(emptyCodec.ok && emptyCodec.value.format === undefined && emptyCodec.value.engine === 'asterisk');
  for (const bad of ['', '/c(ulaw)', '127.0.0.1', '::1:5000', '127.0.0.1:5000/c(ulaw']) {
    const r = parseUnicastRtpDialString(bad);
    assert.ok(!r.ok && r.error.length > 0, bad);
  }
});

/** A DNS server on loopback answering A/AAAA from `zone` (RFC 1035 §4.1), NXDOMAIN for other names. */
async function fakeDns(
  zone: Readonly<Record<string, { a?: string; aaaa?: string }>>,
): Promise<{ resolver: Resolver; close(): void }> {
  const socket = createSocket('udp4');
  socket.on('message', (q, from) => {
    let at = 12;
    const labels: string[] = [];
    while (q[at]! !== 0) {
      labels.push(q.subarray(at + 1, at + 1 + q[at]!).toString('latin1'));
      at += 1 + q[at]!;
    }
    const question = q.subarray(12, at + 5);
    const qtype = q.readUInt16BE(at + 1);
    const entry = zone[labels.join('.').toLowerCase()];
    const data = qtype === 1 ? entry?.a : qtype === 28 ? entry?.aaaa : undefined;
    const rdata =
      data === undefined ? undefined : qtype === 1 ? Buffer.from(data.split('.').map(Number)) : ipv6Bytes(data);
    const header = Buffer.alloc(12);
    header.writeUInt16BE(q.readUInt16BE(0), 0);
    header.writeUInt16BE(entry === undefined ? 0x8183 : 0x8180, 2); // response, RD, RA; rcode 3 = NXDOMAIN
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(rdata === undefined ? 0 : 1, 6);
    const answer = rdata === undefined ? Buffer.alloc(0) : Buffer.alloc(12 + rdata.length);
    if (rdata !== undefined) {
      answer.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
      answer.writeUInt16BE(qtype, 2);
      answer.writeUInt16BE(1, 4);
      answer.writeUInt32BE(60, 6);
      answer.writeUInt16BE(rdata.length, 10);
      rdata.copy(answer, 12);
    }
    socket.send(Buffer.concat([header, question, answer]), from.port, from.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([`127.0.0.1:${socket.address().port}`]);
  return { resolver, close: () => socket.close() };
}

function ipv6Bytes(text: string): Buffer {
  const [head = '', tail = ''] = text.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head);
  const t = groups(tail);
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, 2 * i));
  return out;
}

test('destinations: literals with numeric ports as given (cut to 16 bits), names by DNS with AAAA preferred and atoi ports', async () => {
  const dns = await fakeDns({ 'media.test': { a: '127.0.0.1' }, 'dual.test': { a: '127.0.0.2', aaaa: '::1' } });
  try {
    const r = dns.resolver;
    assert.deepEqual(await resolveDestination('127.0.0.1', '4000', r), { address: '127.0.0.1', port: 4000, family: 4 });
    assert.deepEqual(await resolveDestination('::1', '4000', r), { address: '::1', port: 4000, family: 6 });
    assert.deepEqual(await resolveDestination('127.0.0.1', '70000', r), {
      address: '127.0.0.1',
      port: 4464,
      family: 4,
    });
    assert.deepEqual(await resolveDestination('127.0.0.1', '', r), { address: '127.0.0.1', port: 0, family: 4 });
    assert.deepEqual(await resolveDestination('media.test', '4000', r), {
      address: '127.0.0.1',
      port: 4000,
      family: 4,
    });
    assert.deepEqual(await resolveDestination('media.test', '40x', r), { address: '127.0.0.1', port: 40, family: 4 });
    assert.deepEqual(await resolveDestination('dual.test', '4000', r), { address: '::1', port: 4000, family: 6 });
    assert.equal(await resolveDestination('other.test', '4000', r), undefined);
    // A literal with a port that is not numeric goes to DNS as a name, which does not answer for it.
    assert.equal(await resolveDestination('127.0.0.1', '5x', r), undefined);
    assert.equal(await resolveDestination('', '4000', r), undefined);
  } finally {
    dns.close();
  }
  assert.equal(await localAddressFor({ address: '127.0.0.1', port: 4000, family: 4 }), '127.0.0.1');
  assert.equal(await localAddressFor({ address: '127.0.0.1', port: 0, family: 4 }), '127.0.0.1');
});

let server: TestServer;
let events: EventSocket;

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf':
      '[globals]\nTARGET=127.0.0.1:9\n[default]\n' +
      'exten => rtp,1,Dial(UnicastRTP/${TARGET}/c(ulaw))\n same => n,Hangup()\n' +
      'exten => bad,1,Dial(UnicastRTP/no-such-host.invalid:4000/c(ulaw))\n same => n,Stasis(em)\n same => n,Hangup()\n',
    'pjsip.conf': EMBEDDED_PJSIP,
    'rtp.conf': '[general]\nrtpstart=37000\nrtpend=37999\n',
  });
  events = await EventSocket.open(server, 'em');
});

after(async () => {
  events.close();
  await server.close();
});

/** Originate toward `peer` with `options` after the destination; its StasisStart. */
async function originate(peer: ExternalRtpPeer, options: string, extra = ''): Promise<string> {
  const endpoint = encodeURIComponent(`UnicastRTP/${peer.address}${options}`);
  const r = await ari(server, 'POST', `/channels?endpoint=${endpoint}&app=em${extra}`);
  assert.equal(r.status, 200, r.text);
  await events.wait((e) => e.type === 'StasisStart' && e.channel!.id === r.json.id);
  return r.json.id as string;
}

/** The payload types `peer` receives while a bridge holding `id` plays a tone. */
async function payloadTypes(peer: ExternalRtpPeer, id: string): Promise<Set<number>> {
  const b = (await ari(server, 'POST', '/bridges?type=mixing')).json as { id: string };
  await ari(server, 'POST', `/bridges/${b.id}/addChannel?channel=${id}`);
  await ari(server, 'POST', `/bridges/${b.id}/play?media=tone:440`);
  const deadline = Date.now() + 3000;
  while (peer.packets().length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await ari(server, 'DELETE', `/bridges/${b.id}`);
  return new Set(peer.packets().map((p) => p.pt));
}

test('ARI originate: without c() the first requested format is used (slin16 on 118), a lone slin becomes ulaw', async () => {
  for (const [formats, pt] of [
    ['slin16', 118],
    ['slin', 0],
    ['alaw,ulaw', 8],
  ] as const) {
    const peer = await ExternalRtpPeer.open('ulaw');
    try {
      const id = await originate(peer, '', `&formats=${formats}`);
      assert.deepEqual([...(await payloadTypes(peer, id))], [pt], formats);
      await ari(server, 'DELETE', `/channels/${id}`);
    } finally {
      peer.close();
    }
  }
});

test('rtp_statistics: 404 without the g option (chan_rtp forbids its RTP), the RTPstat fields with it', async () => {
  const peer = await ExternalRtpPeer.open('ulaw');
  try {
    const plain = await originate(peer, '/c(ulaw)');
    assert.equal((await ari(server, 'GET', `/channels/${plain}/rtp_statistics`)).status, 404);
    const glued = await originate(peer, '/c(ulaw)g');
    await payloadTypes(peer, glued);
    await new Promise((r) => setTimeout(r, 300)); // the statistics block is refreshed every 250 ms
    const stats = await ari(server, 'GET', `/channels/${glued}/rtp_statistics`);
    assert.equal(stats.status, 200, stats.text);
    assert.ok(stats.json.txcount > 0 && stats.json.channel_uniqueid === glued, stats.text);
    await ari(server, 'DELETE', `/channels/${plain}`);
    await ari(server, 'DELETE', `/channels/${glued}`);
  } finally {
    peer.close();
  }
});

test('Dial(UnicastRTP/...) from the dialplan: answered at once, audio both ways with the caller', async () => {
  const peer = await ExternalRtpPeer.open('ulaw');
  await ari(server, 'POST', `/asterisk/variable?variable=TARGET&value=${encodeURIComponent(peer.address)}`);
  const call = await RtpCall.dial(server, 'rtp');
  try {
    await Promise.all([
      call.sendAudio(sine(700, 8000 * 1.6, 6000)),
      (async () => {
        // The callee's address: where its RTP comes from.
        const deadline = Date.now() + 3000;
        while (peer.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        await peer.sendAudio(sine(1100, 8000 * 1.4, 6000), peer.received[0]!.from);
      })(),
    ]);
    await new Promise((r) => setTimeout(r, 100));
    const appRatio = toneRatio(peer.heard().subarray(-8000), 700);
    const callerRatio = toneRatio(call.heard().subarray(-8000), 1100);
    assert.ok(appRatio > 0.5, `the UnicastRTP side hears 700 Hz: ${appRatio}`);
    assert.ok(callerRatio > 0.5, `the caller hears 1100 Hz: ${callerRatio}`);
  } finally {
    await call.hangup().catch(() => call.close());
    peer.close();
  }
});

test('Dial() to a name that does not resolve: CHANUNAVAIL, as for a request that fails, and the dialplan goes on', async () => {
  const dialing = RtpCall.dial(server, 'bad');
  const start = await events.wait((e) => e.type === 'StasisStart' && e.channel!.dialplan.exten === 'bad');
  const id = start.channel!.id;
  const status = await ari(server, 'GET', `/channels/${id}/variable?variable=DIALSTATUS`);
  assert.deepEqual(status.json, { value: 'CHANUNAVAIL' });
  assert.ok(![...server.app.core.channels.list()].some((c) => c.name.startsWith('UnicastRTP/no-such-host')));
  await ari(server, 'POST', `/channels/${id}/answer`);
  const call = await dialing;
  await call.hangup().catch(() => call.close());
});
