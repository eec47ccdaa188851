// Requesting WebSocket channels: the dial string parsed as chan_websocket parses it (options run together, nested
// parentheses, unknown letters ignored, v() checked for encoding and its commas made `&`), then through ARI
// originate: names, the two channel variables and their values per format, formats taken from c() or the request,
// and the refusals — Asterisk's 500 for a bad dial string, a 400 naming the formats carried for the others.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseWebSocketDialString } from '../../src/channels/websocket/dial-string.js';
import { ari, EventSocket } from '../helpers/ari.js';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';
import { MediaApp, mediaUrl, originateIncoming } from './websocket-media-app.js';

test('dial strings: options together, nested parentheses, unknown letters ignored, v() encoded and joined with &', () => {
  assert.deepEqual(parseWebSocketDialString('media1/c(slin16)nf(json)d(out)v(a=1,b=x%2Fy)p'), {
    connectionId: 'media1',
    isUri: false,
    codec: 'slin16',
    noAutoAnswer: true,
    query: 'a=1&b=x%2Fy',
    passthrough: true,
    controlFormat: 'json',
    direction: 'out',
    beyond: {
      headers: [],
      mediaStartVariables: undefined,
      largeMessages: false,
      reportFlushedMarks: false,
      requireToken: false,
    },
  });
  assert.deepEqual(parseWebSocketDialString('INCOMING'), {
    connectionId: 'INCOMING',
    isUri: false,
    codec: undefined,
    noAutoAnswer: false,
    query: '',
    passthrough: false,
    controlFormat: undefined,
    direction: 'both',
    beyond: {
      headers: [],
      mediaStartVariables: undefined,
      largeMessages: false,
      reportFlushedMarks: false,
      requireToken: false,
    },
  });
  const odd = parseWebSocketDialString('INCOMING/zc(ulaw)f(JSON)q(a(b)c)');
  assert.ok(!('error' in odd));
  assert.equal(odd.codec, 'ulaw');
  assert.equal(odd.controlFormat, 'json', 'compared ignoring case');
  assert.equal((parseWebSocketDialString('x/f(xml)') as { controlFormat: string }).controlFormat, 'plain-text');
  const bad: [string, RegExp][] = [
    ['', /connection id/],
    ['/c(ulaw)', /connection id/],
    ['x/c(ulaw', /Missing closing parenthesis/],
    ['x/d(sideways)', /media direction/],
    ['x/d', /media direction/],
    ['x/v(a=b c)', /Invalid URI parameters/],
    ['x/v(a=%zz)', /Invalid URI parameters/],
  ];
  for (const [text, why] of bad) {
    const r = parseWebSocketDialString(text);
    assert.ok('error' in r && why.test(r.error), `${text}: ${JSON.stringify(r)}`);
  }
});

let server: TestServer;
let events: EventSocket;

before(async () => {
  server = await startTestServer({ 'ari.conf': ARI_CONF });
  events = await EventSocket.open(server, 'wsr');
});

after(async () => {
  events.close();
  await server.close();
});

async function variables(id: string): Promise<[string, string]> {
  const get = async (name: string) =>
    (await ari(server, 'GET', `/channels/${id}/variable?variable=${name}`)).json.value as string;
  return [await get('MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE'), await get('MEDIA_WEBSOCKET_CONNECTION_ID')];
}

test('a server-mode channel: Down, named WebSocket/INCOMING/<handle>, a fresh UUID, the frame size of its format', async () => {
  const cases: [string, string, string][] = [
    ['c(ulaw)', '', '160'],
    ['c(alaw)', '', '160'],
    ['c(g722)', '', '160'],
    ['c(slin)', '', '320'],
    ['c(slin16)', '', '640'],
    ['c(slin)p', '', '0'],
    ['', '&formats=alaw,ulaw', '160'],
    ['', '', '640'], // no format asked for: slin16
  ];
  const names = new Set<string>();
  for (const [options, extra, size] of cases) {
    const made = await ari(server, 'POST', `/channels?endpoint=${encodeURIComponent(`WebSocket/INCOMING/${options}`)}&app=wsr${extra}`); // prettier-ignore
    assert.equal(made.status, 200, `${options}${extra}: ${made.text}`);
    assert.equal(made.json.state, 'Down');
    assert.match(made.json.name, /^WebSocket\/INCOMING\/0x[0-9a-f]{12}$/);
    names.add(made.json.name);
    const [frameSize, connectionId] = await variables(made.json.id);
    assert.equal(frameSize, size, options + extra);
    assert.match(connectionId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await ari(server, 'DELETE', `/channels/${made.json.id}`);
  }
  assert.equal(names.size, cases.length, 'every name is unique');
});

test('the request’s format reaches MEDIA_START when c() is absent; c() wins over it', async () => {
  const one = await originateIncoming(server, 'wsr', '', '&formats=g722');
  const app = await MediaApp.connect(mediaUrl(server, one.connectionId));
  assert.match((await app.waitText((t) => t.startsWith('MEDIA_START'))).data, / format:g722 optimal_frame_size:160 /);
  app.send('HANGUP');
  await app.waitClose();
  const two = await originateIncoming(server, 'wsr', 'c(slin)', '&formats=ulaw');
  const [size] = await variables(two.id);
  assert.equal(size, '320');
  await ari(server, 'DELETE', `/channels/${two.id}`);
});

test('the variables are published as ChannelVarset, frame size first (Asterisk’s order)', async () => {
  const all = await EventSocket.open(server, 'wsr-all', '&subscribeAll=true');
  try {
    const made = await ari(server, 'POST', `/channels?endpoint=${encodeURIComponent('WebSocket/INCOMING/c(ulaw)')}&app=wsr`); // prettier-ignore
    await all.wait((e) => e.type === 'ChannelVarset' && e.variable === 'MEDIA_WEBSOCKET_CONNECTION_ID' && e.channel?.id === made.json.id); // prettier-ignore
    const sets = all.events
      .filter((e) => e.type === 'ChannelVarset' && e.channel?.id === made.json.id)
      .map((e) => e.variable as string);
    assert.deepEqual(sets, ['MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE', 'MEDIA_WEBSOCKET_CONNECTION_ID']);
    await ari(server, 'DELETE', `/channels/${made.json.id}`);
  } finally {
    all.close();
  }
});

test('refusals: a bad dial string is Asterisk’s 500; a format not carried here is a 400 that says which are', async () => {
  const originate = (endpoint: string) =>
    ari(server, 'POST', `/channels?endpoint=${encodeURIComponent(endpoint)}&app=wsr`);
  const before = ((await ari(server, 'GET', '/channels')).json as unknown[]).length;
  for (const endpoint of [
    'WebSocket/INCOMING/c(nosuchcodec)',
    'WebSocket/INCOMING/v(a=1)',
    'WebSocket/INCOMING/d(sideways)',
    'WebSocket/INCOMING/c(ulaw',
    'WebSocket/unconfigured/c(ulaw)',
  ]) {
    const r = await originate(endpoint);
    assert.equal(r.status, 500, endpoint);
    assert.equal(r.json.error, 'Allocation failed', endpoint);
  }
  const opus = await originate('WebSocket/INCOMING/c(opus)');
  assert.equal(opus.status, 400);
  assert.equal(
    opus.json.message,
    'WebSocket channels carry ulaw, alaw, g722, slin or slin16; format opus is not supported',
  );
  const wide = await ari(server, 'POST', `/channels?endpoint=${encodeURIComponent('WebSocket/INCOMING')}&app=wsr&formats=slin48`); // prettier-ignore
  assert.equal(wide.status, 400);
  assert.equal(((await ari(server, 'GET', '/channels')).json as unknown[]).length, before, 'nothing was left');
});
