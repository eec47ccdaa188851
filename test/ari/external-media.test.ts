// POST /channels/externalMedia: every check of Asterisk 22.10.1's handler in its order, with its status and words
// (resource_channels.c `ast_ari_channels_external_media`; reference external-media.md §1.2 rows 1–14), over HTTP
// against a running server. Each request below fails exactly one check; several also pass the earlier ones with
// values that only a later check rejects, to pin the order.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { ari, EventSocket } from '../helpers/ari.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let events: EventSocket;

before(async () => {
  server = await startTestServer();
  events = await EventSocket.open(server, 'em');
});

after(async () => {
  events.close();
  await server.close();
});

const HOST = '127.0.0.1:40000';
const INTERNAL = 'An internal error prevented this request from being handled';

async function post(query: string, body?: unknown): Promise<{ status: number; message: string | undefined }> {
  const r = await ari(server, 'POST', `/channels/externalMedia?${query}`, body);
  return { status: r.status, message: r.json?.message };
}

/** A TCP port with nothing listening (bound, then closed). */
async function closedTcpPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const NEED_HOST_PORT = 'external_host must be <host>:<port> for all transports other than websocket';
const UNSUPPORTED = 'The encapsulation and/or transport is not supported';
const EM = `app=em&external_host=${HOST}`;

// prettier-ignore
const rows: ReadonlyArray<readonly [string, string, unknown, number, string]> = [
  // 1: the body's variables, before anything else (even a missing app)
  ['1 non-string value', '', { variables: { A: 5 } }, 400, "Each value in 'variables' must be a string or an object with 'value' and optional 'report_events'"],
  ['1 object without string value', 'app=em', { variables: { A: { value: 5 } } }, 400, "Each object value in 'variables' must include string field 'value'"],
  ['1 report_events not boolean', 'app=em', { variables: { A: { value: 'x', report_events: 'yes' } } }, 400, "Field 'report_events' in 'variables' entries must be boolean"],
  // 2
  ['2 app missing', `external_host=${HOST}&format=ulaw`, undefined, 400, 'app cannot be empty'],
  ['2 app emptied by the body', `${EM}&format=ulaw`, { app: '' }, 400, 'app cannot be empty'],
  // 3–5: the pairs, case-sensitive here
  ['3 websocket needs none', 'app=em&transport=websocket', undefined, 400, "encapsulation must be 'none' for websocket transport"],
  ['4 rtp needs udp', 'app=em&transport=tcp', undefined, 400, "transport must be 'udp' for rtp encapsulation"],
  ['4 compared with case', 'app=em&transport=UDP', undefined, 400, "transport must be 'udp' for rtp encapsulation"],
  ['5 audiosocket needs tcp', 'app=em&encapsulation=audiosocket', undefined, 400, "transport must be 'tcp' for audiosocket encapsulation"],
  // 6
  ['6 server only for websocket', 'app=em&connection_type=server', undefined, 400, "'server' connection_type can only be used with the websocket transport"],
  // 7
  ['7 external_host required', 'app=em&format=ulaw', undefined, 400, 'external_host is required for all but websocket server connections'],
  // 8: no WebSocket driver knows this id
  ['8 websocket client id', 'app=em&transport=websocket&encapsulation=none&external_host=no-such-client', undefined, 400, 'external_host must be a valid websocket_client connection id.'],
  // 9: ast_sockaddr_split_hostport with the port required
  ['9 no port', 'app=em&external_host=127.0.0.1', undefined, 400, NEED_HOST_PORT],
  ['9 bare IPv6', 'app=em&external_host=::1:5000', undefined, 400, NEED_HOST_PORT],
  ['9 bracket without colon', 'app=em&external_host=[::1]5000', undefined, 400, NEED_HOST_PORT],
  ['9 a connection_type neither client nor server: INCOMING', 'app=em&connection_type=Client', undefined, 400, NEED_HOST_PORT],
  // 10
  ['10 format missing', EM, undefined, 400, 'format cannot be empty'],
  ['10 before the pair is picked', `${EM}&encapsulation=foo`, undefined, 400, 'format cannot be empty'],
  // 11: checked for every transport
  ['11 direction', `${EM}&format=ulaw&direction=sideways`, undefined, 400, 'Invalid direction specified'],
  ['11 compared with case', `${EM}&format=ulaw&direction=BOTH`, undefined, 400, 'Invalid direction specified'],
  // 12
  ['12 audiosocket data', `${EM}&format=slin&encapsulation=audiosocket&transport=tcp`, undefined, 400, 'data can not be empty'],
  // 14: any other pair
  ['14 unknown encapsulation', `${EM}&format=ulaw&encapsulation=foo`, undefined, 501, UNSUPPORTED],
  ['14 none over udp', `${EM}&format=ulaw&encapsulation=none`, undefined, 501, UNSUPPORTED],
  ['14 rtp over an unknown transport', `${EM}&format=ulaw&encapsulation=RTP&transport=sctp`, undefined, 501, UNSUPPORTED],
];

for (const [name, query, body, status, message] of rows) {
  test(`row ${name}: ${status} "${message}"`, async () => {
    assert.deepEqual(await post(query, body), { status, message });
  });
}

// 13: every failure while the channel is requested is the same 500, overwriting what the originate reported.
const failures: ReadonlyArray<readonly [string, string]> = [
  ['an unknown format (400 Provided format was not found)', `external_host=${HOST}&format=nope`],
  ['an empty name in the format list', `external_host=${HOST}&format=ulaw,`],
  ['a format UnicastRTP cannot take as c()', `external_host=${HOST}&format=ulaw,alaw`],
  ['a channelId longer than 149 characters', `external_host=${HOST}&format=ulaw&channelId=${'x'.repeat(150)}`],
  ['a host that does not resolve', 'external_host=no-such-host.invalid:4000&format=ulaw'],
  ['an empty host (split passes, the request fails)', 'external_host=:4000&format=ulaw'],
  [
    'a literal address with a port that is not a number (looked up as a name)',
    'external_host=127.0.0.1:5x&format=ulaw',
  ],
];

for (const [name, query] of failures) {
  test(`row 13, ${name}: 500`, async () => {
    const before = server.app.core.channels.size;
    assert.deepEqual(await post(`app=em&${query}`), { status: 500, message: INTERNAL });
    assert.equal(server.app.core.channels.size, before, 'no channel is left behind');
  });
}

test('row 13, a channelId in use (409 from the originate): 500, and the first channel stays', async () => {
  const first = await post(`app=em&external_host=${HOST}&format=ulaw&channelId=dup-1`);
  assert.equal(first.status, 200);
  await events.wait((e) => e.type === 'StasisStart' && e.channel!.id === 'dup-1');
  assert.deepEqual(await post(`app=em&external_host=${HOST}&format=ulaw&channelId=dup-1`), {
    status: 500,
    message: INTERNAL,
  });
  assert.ok(server.app.core.channels.get('dup-1'));
  await ari(server, 'DELETE', '/channels/dup-1');
});

test('row 13, audiosocket/tcp to a port where nothing listens: 500', async () => {
  const port = await closedTcpPort();
  const data = '3f1d2a4e-1111-4a2b-9c3d-123456789abc';
  const query = `app=em&external_host=127.0.0.1:${port}&format=slin&encapsulation=audiosocket&transport=tcp&data=${data}`;
  assert.deepEqual(await post(query), { status: 500, message: INTERNAL });
});

/** A request that must succeed: its channel (hung up again). */
async function made(query: string): Promise<any> {
  const r = await ari(server, 'POST', `/channels/externalMedia?app=em&${query}`);
  assert.equal(r.status, 200, r.text);
  await ari(server, 'DELETE', `/channels/${r.json.id}`);
  return r.json;
}

test('the pair is picked without case: RTP/udp dials UnicastRTP, ULAW is ulaw', async () => {
  const channel = await made(`external_host=${HOST}&format=ULAW&encapsulation=RTP`);
  assert.match(channel.name, /^UnicastRTP\/127\.0\.0\.1:40000-0x[0-9a-f]+$/);
});

test('direction is checked for rtp but not applied: in/out/both all answer 200', async () => {
  for (const direction of ['both', 'in', 'out']) await made(`external_host=${HOST}&format=ulaw&direction=${direction}`);
});

test('a bracketed IPv6 host with port: the channel is named by the destination as written', async (t) => {
  const r = await ari(server, 'POST', '/channels/externalMedia?app=em&external_host=[::1]:40000&format=ulaw');
  if (r.status === 500) return t.skip('no IPv6 loopback here');
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.name, /^UnicastRTP\/\[::1\]:40000-0x[0-9a-f]+$/);
  assert.equal(r.json.channelvars.UNICASTRTP_LOCAL_ADDRESS, '::1');
  await ari(server, 'DELETE', `/channels/${r.json.id}`);
});

test('ports as Asterisk reads them: empty is 0, beyond 65535 wraps; the name keeps what was written', async () => {
  for (const port of ['', '0', '70000']) {
    const channel = await made(`external_host=127.0.0.1:${port}&format=ulaw`);
    assert.match(channel.name, new RegExp(`^UnicastRTP/127\\.0\\.0\\.1:${port}-0x[0-9a-f]+$`));
  }
});
