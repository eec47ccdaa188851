// How AudioSocket channels are requested over ARI: externalMedia (encapsulation audiosocket, transport tcp) with
// its format as the channel's, originate and create; and what each answers when the app's port refuses the
// connection, the UUID is not one, or the format is not slin/slin16.
//
// A real Asterisk 22.10.1 answers 500 "Allocation failed" to originate and create for a refused connection and
// a bad UUID, as its requester connects before it returns; externalMedia answers 500 with its own words. Here
// the request completes when the connection does, and each operation waits for it before it answers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ari, EventSocket } from '../helpers/ari.js';
import { sine, toneRatio } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { AudioSocketApp, closedPort, KIND } from './audiosocket-app.js';

let server: TestServer;
let events: EventSocket;
let app: AudioSocketApp;

const APP = 'asr';
const UUID = '5b1d8f3a-9c2e-4d7b-8a6f-1e2d3c4b5a69';

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': `[default]\nexten => app,1,Answer()\n same => n,Stasis(${APP})\n same => n,Hangup()\n`,
    'pjsip.conf': EMBEDDED_PJSIP.replace(/(\[anonymous\][^[]*?allow = )ulaw,alaw/, '$1ulaw,alaw,slin16'),
    'rtp.conf': '[general]\nrtpstart=36000\nrtpend=36999\n',
  });
  events = await EventSocket.open(server, APP);
  app = await AudioSocketApp.start();
});

after(async () => {
  events.close();
  await app.close();
  await server.close();
});

const endpoint = (port: number, uuid = UUID) => encodeURIComponent(`AudioSocket/127.0.0.1:${port}/${uuid}`);

test('externalMedia audiosocket/tcp: the channel speaks its format, with its variables, and Stasis gets data', async () => {
  const n = app.connections.length;
  const query = `app=${APP}&external_host=127.0.0.1:${app.port}&encapsulation=audiosocket&transport=tcp&format=slin16&data=${UUID}`;
  const r = await ari(server, 'POST', `/channels/externalMedia?${query}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.name, `AudioSocket/127.0.0.1:${app.port}-${UUID}`);
  assert.equal(r.json.state, 'Down');
  assert.deepEqual(r.json.channelvars, { AUDIOSOCKET_SERVICE: `127.0.0.1:${app.port}`, AUDIOSOCKET_UUID: UUID });
  const conn = await app.connection(n);
  const start = await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === r.json.id);
  assert.deepEqual(start.args, [UUID]);
  assert.equal(start.channel!.state, 'Up');
  const [uuid] = await conn.waitFor((m) => m.kind === KIND.UUID);
  assert.equal(uuid!.payload.toString('hex'), UUID.replaceAll('-', ''));

  const call = await RtpCall.dial(server, 'app', { codec: 'slin16' });
  const caller = await events.wait((e) => e.type === 'StasisStart' && e.channel?.id !== r.json.id);
  const bridge = (await ari(server, 'POST', '/bridges')).json as { id: string };
  await ari(server, 'POST', `/bridges/${bridge.id}/addChannel?channel=${caller.channel!.id},${r.json.id}`);
  try {
    const mark = conn.messages.length;
    // 5 kHz exists only at 16 kHz: the format reached the channel and the path stayed wideband.
    await call.sendAudio(sine(5000, 16000, 6000, 16000));
    await new Promise((res) => setTimeout(res, 100));
    const audio = conn.messages.slice(mark).filter((m) => m.kind !== KIND.DTMF);
    assert.ok(audio.length >= 45 && audio.every((m) => m.kind === KIND.SLIN16 && m.payload.length === 640));
    const heard = conn.audio(KIND.SLIN16, mark);
    assert.ok(toneRatio(heard.subarray(heard.length - 12800), 5000, 16000) > 0.5);
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridge.id}`);
    await ari(server, 'DELETE', `/channels/${r.json.id}`);
    await call.hangup().catch(() => call.close());
  }
});

test('externalMedia to a port that refuses: 500, and no channel is left', async () => {
  const port = await closedPort();
  const before = server.app.core.channels.size;
  const query = `app=${APP}&external_host=127.0.0.1:${port}&encapsulation=audiosocket&transport=tcp&format=slin&data=${UUID}`;
  const r = await ari(server, 'POST', `/channels/externalMedia?${query}`);
  assert.equal(r.status, 500, r.text);
  assert.equal(server.app.core.channels.size, before);
});

for (const [op, path] of [
  ['originate', '/channels'],
  ['create', '/channels/create'],
] as const) {
  test(`${op} to a port that refuses: 500 Allocation failed, no channel left and none enters Stasis`, async () => {
    const port = await closedPort();
    const before = server.app.core.channels.size;
    const r = await ari(server, 'POST', `${path}?endpoint=${endpoint(port)}&app=${APP}&formats=slin16`);
    assert.equal(r.status, 500, r.text);
    assert.deepEqual(r.json, { error: 'Allocation failed' }, 'as a real Asterisk answers');
    assert.equal(server.app.core.channels.size, before);
    await new Promise((res) => setTimeout(res, 100));
    assert.ok(!events.events.some((e) => e.type === 'StasisStart' && JSON.stringify(e).includes(`:${port}-`)));
  });
}

test('create connects at once; the UUID goes out only when the channel is dialed, and it answers', async () => {
  const n = app.connections.length;
  const r = await ari(server, 'POST', `/channels/create?endpoint=${endpoint(app.port)}&app=${APP}&formats=slin`);
  assert.equal(r.status, 200, r.text);
  const conn = await app.connection(n);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === r.json.id);
  await new Promise((res) => setTimeout(res, 100));
  assert.equal(conn.messages.length, 0, 'nothing before the call');
  assert.equal((await ari(server, 'POST', `/channels/${r.json.id}/dial`)).status, 204);
  await conn.waitFor((m) => m.kind === KIND.UUID);
  await events.wait((e) => e.type === 'ChannelStateChange' && e.channel?.id === r.json.id && e.channel?.state === 'Up');
  const dials = events.events.filter((e) => e.type === 'Dial' && e.peer?.id === r.json.id).map((e) => e.dialstatus);
  assert.deepEqual(dials, ['', 'ANSWER']);
  await ari(server, 'DELETE', `/channels/${r.json.id}`);
  await conn.closed;
});

test('a resource that is not host:port/uuid, or a format other than slin/slin16: 500 Allocation failed', async () => {
  const before = app.connections.length;
  for (const [resource, formats] of [
    [`127.0.0.1:${app.port}/not-a-uuid`, 'slin'],
    [`127.0.0.1:${app.port}`, 'slin'],
    [`127.0.0.1/${UUID}`, 'slin'],
    [`127.0.0.1:${app.port}/${UUID}`, 'slin48'],
    [`127.0.0.1:${app.port}/${UUID}`, 'ulaw'],
    [`127.0.0.1:${app.port}/${UUID}/c(g722)`, 'slin'],
  ]) {
    const r = await ari(
      server,
      'POST',
      `/channels?endpoint=${encodeURIComponent(`AudioSocket/${resource}`)}&app=${APP}&formats=${formats}`,
    );
    assert.equal(r.status, 500, `${resource} ${formats}: ${r.text}`);
    assert.deepEqual(r.json, { error: 'Allocation failed' }, 'as a real Asterisk answers');
  }
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(app.connections.length, before, 'no connection was made');
});
