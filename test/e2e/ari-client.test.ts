/**
 * End to end with the real npm `ari-client` 2.2.0: it discovers the API from /ari/api-docs, connects the
 * events WebSocket with api_key, and wraps channels in its own objects — exactly as against Asterisk.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startTestServer, type TestServer } from '../helpers/server.js';

const require = createRequire(import.meta.url);
const ari = require('ari-client') as { connect(url: string, user: string, pass: string): Promise<any> };

let server: TestServer;
let client: any;

/** Resolve with the first event of `type` that satisfies `pred`, or reject after `ms`. */
function nextEvent(type: string, pred: (e: any, ...rest: any[]) => boolean = () => true, ms = 5000): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.removeListener(type, listener);
      reject(new Error(`no ${type} within ${ms} ms`));
    }, ms);
    const listener = (...args: any[]): void => {
      if (!pred(args[0], ...args.slice(1))) return;
      clearTimeout(timer);
      client.removeListener(type, listener);
      resolve(args);
    };
    client.on(type, listener);
  });
}

before(async () => {
  server = await startTestServer();
  client = await ari.connect(server.url, 'asterisk', 'asterisk');
  await client.start(['e2e', 'e2e-other']);
});

after(async () => {
  client?.stop();
  await server?.close();
});

test('originate into an app: StasisStart carries args and a Channel object that answers and hangs up', async () => {
  const started = nextEvent('StasisStart', (e) => e.channel.id === 'e2e-c1');
  const made = await client.channels.originate({
    endpoint: 'Local/echo@default',
    app: 'e2e',
    appArgs: 'a,b',
    channelId: 'e2e-c1',
  });
  assert.equal(made.id, 'e2e-c1');
  assert.equal(made.state, 'Down');
  assert.equal(made.dialplan.app_name, 'AppDial2');
  const [event, channel] = await started;
  assert.deepEqual(event.args, ['a', 'b']);
  assert.equal(channel.id, 'e2e-c1');
  assert.equal(channel.state, 'Up');
  assert.equal(channel.name.endsWith(';1'), true);
  await channel.answer();

  await channel.setChannelVar({ variable: 'FOO', value: 'bar' });
  assert.deepEqual(await channel.getChannelVar({ variable: 'FOO' }), { value: 'bar' });
  await assert.rejects(channel.getChannelVar({ variable: 'NOPE' }), /Provided variable was not found/);

  const destroyed = nextEvent('ChannelDestroyed', (e) => e.channel.id === 'e2e-c1');
  const ended = nextEvent('StasisEnd', (e) => e.channel.id === 'e2e-c1');
  await channel.hangup({ reason: 'busy' });
  await ended;
  const [gone] = await destroyed;
  assert.equal(gone.cause, 17);
  assert.equal(gone.cause_txt, 'User busy');
});

test('DTMF sent to one Local half is received by the other, and Echo sends it back', async () => {
  const started = nextEvent('StasisStart', (e) => e.channel.id === 'e2e-d1');
  // ;2 answers, then moves on to Echo at priority 2 (about half a second later, as in Asterisk).
  const echoing = nextEvent('ChannelDialplan', (e) => e.channel.id === 'e2e-d1;2' && e.dialplan_app === 'Echo');
  await client.channels.originate({ endpoint: 'Local/echo@default', app: 'e2e', channelId: 'e2e-d1' });
  const [, channel] = await started;
  await echoing;
  const onPeer = nextEvent('ChannelDtmfReceived', (e) => e.channel.id === 'e2e-d1;2');
  const echoed = nextEvent('ChannelDtmfReceived', (e) => e.channel.id === 'e2e-d1');
  await channel.sendDTMF({ dtmf: '5', duration: 120 });
  const [peerEvent] = await onPeer;
  assert.equal(peerEvent.digit, '5');
  assert.equal(peerEvent.duration_ms, 120);
  const [back] = await echoed;
  assert.equal(back.digit, '5');
  await channel.hangup();
});

test('continue in the dialplan ends Stasis; move goes to another app', async () => {
  const started = nextEvent('StasisStart', (e) => e.channel.id === 'e2e-m1');
  await client.channels.originate({ endpoint: 'Local/park@default', app: 'e2e', channelId: 'e2e-m1' });
  const [, channel] = await started;

  const inOther = nextEvent('StasisStart', (e, ch) => ch.id === 'e2e-m1' && e.application === 'e2e-other');
  await channel.move({ app: 'e2e-other', appArgs: 'x,y' });
  const [moved] = await inOther;
  assert.deepEqual(moved.args, ['x', 'y']);

  const ended = nextEvent('StasisEnd', (e) => e.channel.id === 'e2e-m1');
  const dialplan = nextEvent('ChannelDialplan', (e) => e.channel.id === 'e2e-m1' && e.dialplan_app === 'NoOp');
  await channel.continueInDialplan({ context: 'default', extension: 'later', priority: 1 });
  await ended;
  const [dp] = await dialplan;
  assert.equal(dp.channel.dialplan.exten, 'later');
  assert.equal(dp.dialplan_app_data, 'continued here');
  await client.channels.hangup({ channelId: 'e2e-m1' }).catch(() => undefined);
});

test('create then dial: StasisStart while Down, 412 before answer, Dial events and Up', async () => {
  const started = nextEvent('StasisStart', (e) => e.channel.id === 'e2e-k1');
  const made = await client.channels.create({
    endpoint: 'Local/wait@default',
    app: 'e2e',
    appArgs: 'created',
    channelId: 'e2e-k1',
    variables: { A: '1', B: { value: '2', report_events: true } },
  });
  assert.equal(made.state, 'Down');
  const [event, channel] = await started;
  assert.equal(channel.state, 'Down');
  assert.deepEqual(event.args, ['created']);
  assert.equal(event.channel.channelvars.B, '2');
  await assert.rejects(channel.answer(), /Channel in invalid state/);
  const up = nextEvent('ChannelStateChange', (e) => e.channel.id === 'e2e-k1' && e.channel.state === 'Up');
  const answered = nextEvent('Dial', (e) => e.peer.id === 'e2e-k1' && e.dialstatus === 'ANSWER');
  await channel.dial({ timeout: 10 });
  await up;
  await answered;
  await assert.rejects(channel.dial(), /not in the 'Down' state/);
  await channel.hangup();
});

test('errors come back with Asterisk status codes and messages', async () => {
  await assert.rejects(client.channels.get({ channelId: 'no-such-channel' }), /Channel not found/);
  await assert.rejects(
    client.channels.originate({ endpoint: 'Local/echo@default' }),
    /Application or extension must be specified/,
  );
  // The channel is looked up before the reason is checked, as in Asterisk.
  await assert.rejects(client.channels.hangup({ channelId: 'nope', reason: 'whatever' }), /Channel not found/);
});
