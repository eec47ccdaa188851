// Twilio Media Streams mode end to end: POST /channels/externalMedia with `transport_data=f(twilio)` makes a
// WebSocket channel whose socket speaks only Twilio's messages, to a bot (twilio-bot.ts) that Switchyard dials
// (client mode) or that dials `/media/<connection id>` (server mode). Bridged (mixing) with a SIP caller sending
// real RTP: the bot hears the caller's 440 Hz in base64 µ-law media messages, the caller hears the bot's 1000 Hz
// sent in odd-sized chunks; marks come back only once the audio before them has reached the caller (timed against
// its RTP); `clear` silences the queued audio within a frame and echoes the pending mark; the caller's digits arrive as
// `dtmf`; a hangup sends `stop` last; the bot closing its socket ends the channel.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ari, EventSocket, mixingBridge } from '../helpers/ari.js';
import { sine, toneRatio } from '../helpers/audio.js';
import { RtpCall, tonesByPacket } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { BotServer, TwilioBot } from './twilio-bot.js';
import { mediaUrl, stasisStart } from './websocket-media-app.js';

let server: TestServer;
let events: EventSocket;
let bots: BotServer;

before(async () => {
  bots = await BotServer.listen();
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => app,1,Answer()\n same => n,Stasis(tw)\n same => n,Hangup()\n',
    'pjsip.conf': EMBEDDED_PJSIP,
    'rtp.conf': '[general]\nrtpstart=37000\nrtpend=37999\n',
    'websocket_client.conf': [
      '[bot]',
      'type=websocket_client',
      `uri=ws://127.0.0.1:${bots.port}/twilio`,
      'connection_type=per_call_config',
    ].join('\n'),
  });
  events = await EventSocket.open(server, 'tw');
});

after(async () => {
  events.close();
  await server.close();
  bots.close();
});

const seen = new Set<string>();
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A SIP caller in Stasis. */
async function caller(): Promise<{ call: RtpCall; id: string }> {
  const call = await RtpCall.dial(server, 'app');
  const start = await events.wait((e) => e.type === 'StasisStart' && (e.channel as { name?: string }).name!.startsWith('PJSIP/') && !seen.has(e.channel!.id)); // prettier-ignore
  seen.add(start.channel!.id);
  return { call, id: start.channel!.id };
}

/** externalMedia in Twilio mode; `params` are the request's, `variables` its body's. */
async function externalMedia(params: Record<string, string>, variables: Record<string, string> = {}) {
  const query = new URLSearchParams({ app: 'tw', transport: 'websocket', encapsulation: 'none', transport_data: 'f(twilio)', ...params }); // prettier-ignore
  const r = await ari(server, 'POST', `/channels/externalMedia?${query.toString()}`, { variables });
  assert.equal(r.status, 200, r.text);
  return r.json as { id: string; name: string; channelvars: Record<string, string> };
}

/** Client mode: Switchyard dials the bot; the bot once `start` arrived, and the channel in Stasis. */
async function dialedBot(variables: Record<string, string> = {}): Promise<{ bot: TwilioBot; id: string }> {
  const arriving = bots.next();
  const made = await externalMedia({ external_host: 'bot', format: 'ulaw' }, variables);
  const { bot } = await arriving;
  await bot.waitFor('start');
  await stasisStart(events, made.id);
  return { bot, id: made.id };
}

/** The caller's audio packets from `from` (an index into `received`) on. */
const packetsSince = (call: RtpCall, from: number) => call.audioPackets().filter((p) => call.received.indexOf(p) >= from); // prettier-ignore

/** Tones both ways between a bridged caller and bot: what each heard (Goertzel ratios). */
async function exchangeTones(call: RtpCall, bot: TwilioBot): Promise<{ botHeard: number; callerHeard: number }> {
  await delay(200); // the bridge settles (its mix sends nothing until someone speaks)
  const from = bot.messages.length;
  await call.sendAudio(sine(440, 8000, 8000)); // 1 s over RTP, paced
  await delay(100);
  const heard = bot.heard(from);
  assert.ok(heard.length >= 7000, `the bot heard ${heard.length} samples`);
  const botHeard = toneRatio(heard.subarray(heard.length - 6000), 440);
  const mark = call.audioPackets().length;
  bot.sendAudio(sine(1000, 8000, 8000), [97, 211, 333, 50, 1201]); // 1 s in odd sizes, sent at once
  await delay(1200);
  const callerHeard = toneRatio(call.heard(mark).subarray(1000, 7000), 1000);
  return { botHeard, callerHeard };
}

test('client mode: connected, then start with the request’s customParameters; tones both ways; the bot’s close hangs up', async (t) => {
  const { call, id: sipId } = await caller();
  const { bot, id } = await dialedBot({ TWILIO_PARAM_tenant: 'acme', TWILIO_PARAM_lang: 'en', OTHER: 'x' });
  assert.deepEqual(bot.messages[0]!.data, { event: 'connected', protocol: 'Call', version: '1.0.0' });
  const start = bot.messages[1]!.data;
  assert.equal(start.event, 'start');
  assert.equal(start.sequenceNumber, '1');
  assert.match(start.streamSid, /^MZ[0-9a-f]{32}$/);
  assert.equal(start.start.streamSid, start.streamSid);
  assert.match(start.start.callSid, /^CA[0-9a-f]{32}$/);
  assert.match(start.start.accountSid, /^AC[0-9a-f]{32}$/);
  assert.deepEqual(start.start.tracks, ['inbound']);
  assert.deepEqual(start.start.customParameters, { tenant: 'acme', lang: 'en' });
  assert.deepEqual(start.start.mediaFormat, { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 });
  const bridgeId = await mixingBridge(server, [sipId, id]);
  try {
    const from = bot.messages.length;
    const { botHeard, callerHeard } = await exchangeTones(call, bot);
    t.diagnostic(`bot hears 440 Hz ${botHeard.toFixed(3)}, caller hears 1000 Hz ${callerHeard.toFixed(3)}`);
    assert.ok(botHeard > 0.8, `the bot hears 440 Hz: ${botHeard.toFixed(3)}`);
    assert.ok(callerHeard > 0.8, `the caller hears 1000 Hz: ${callerHeard.toFixed(3)}`);
    // Media as Twilio sends it: 160 bytes every 20 ms, counters as strings counting by one.
    const timed = bot.media(from);
    const media = timed.map((m) => m.data);
    assert.ok(media.length >= 50, `${media.length} media messages`);
    for (const [i, m] of media.entries()) {
      assert.equal(Buffer.from(m.media.payload, 'base64').length, 160);
      assert.equal(m.media.track, 'inbound');
      assert.equal(m.streamSid, start.streamSid);
      if (i === 0) continue;
      const prev = media[i - 1]!;
      assert.equal(Number(m.media.chunk), Number(prev.media.chunk) + 1, 'chunks count by one');
      assert.ok(Number(m.sequenceNumber) > Number(prev.sequenceNumber));
      assert.ok(Number(m.media.timestamp) >= Number(prev.media.timestamp));
    }
    // Timestamps are milliseconds of the stream: they advance as the messages do.
    const span = Number(media.at(-1)!.media.timestamp) - Number(media[0]!.media.timestamp);
    const arrivals = timed.at(-1)!.at - timed[0]!.at;
    assert.ok(Math.abs(span - arrivals) < 50, `timestamps span ${span} ms, arrivals ${arrivals.toFixed(0)} ms`);
    assert.ok(span >= (media.length - 1) * 20 - 50, `about 20 ms a message: ${span} ms for ${media.length}`);
    assert.deepEqual(bot.strays, [], 'nothing but Twilio messages');
    bot.close(1000);
    const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === id);
    assert.equal(destroyed.cause, 16);
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await call.hangup().catch(() => call.close());
  }
});

test('marks come back in order, each once the audio before it has reached the caller (against its RTP)', async (t) => {
  const { call, id: sipId } = await caller();
  const { bot, id } = await dialedBot();
  const bridgeId = await mixingBridge(server, [sipId, id]);
  try {
    await delay(200); // the bridge settles (its mix sends nothing until someone speaks)
    const from = call.received.length;
    const sentAt = bot.sendAudio(sine(700, 4850, 8000), [333, 97]); // 606 ms: a partial last frame
    bot.mark('m1');
    bot.sendAudio(sine(1200, 3200, 8000), [211]); // 400 ms
    bot.mark('m2');
    const m2 = await bot.waitFor('mark', (m) => m.mark.name === 'm2', 3000);
    const m1 = bot.messages.find((m) => m.data.event === 'mark' && m.data.mark.name === 'm1')!;
    assert.ok(m1.at < m2.at, 'in order');
    assert.equal(m2.data.streamSid, bot.streamSid);
    await delay(100);
    const packets = tonesByPacket(packetsSince(call, from), [700, 1200]);
    const lastA = packets.findLast((p) => p.ratios[0]! > 0.5);
    const firstB = packets.find((p) => p.ratios[1]! > 0.5);
    const lastB = packets.findLast((p) => p.ratios[1]! > 0.5);
    assert.ok(
      lastA && firstB && lastB,
      `both tones had reached the caller when m2 came back (${packets.length} packets)`,
    );
    const rel = (at: number) => (at - sentAt).toFixed(1);
    const detail = `A ends ${rel(lastA.at)}, B ${rel(firstB.at)}–${rel(lastB.at)}, m1 ${rel(m1.at)}, m2 ${rel(m2.at)} ms`;
    t.diagnostic(detail);
    // A mark goes out a frame after the queue reaches it: once the audio before it is on the wire, not much later.
    assert.ok(m1.at >= lastA.at, `m1 after the first tone reached the caller: ${detail}`);
    assert.ok(m1.at - firstB.at > -5 && m1.at - firstB.at < 50, `m1 as the second tone starts: ${detail}`);
    assert.ok(m2.at >= lastB.at && m2.at - lastB.at < 60, `m2 after the second tone: ${detail}`);
    assert.ok(lastB.at - firstB.at > 360, `the second tone played whole: ${detail}`);
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await call.hangup().catch(() => call.close());
    bot.close();
  }
});

test('clear silences the queued audio within a frame and echoes the pending mark at once', async (t) => {
  const { call, id: sipId } = await caller();
  const { bot, id } = await dialedBot();
  const bridgeId = await mixingBridge(server, [sipId, id]);
  try {
    await delay(200); // the bridge settles (its mix sends nothing until someone speaks)
    const from = call.received.length;
    bot.sendAudio(sine(900, 24003, 8000), [1234, 567]); // 3 s
    bot.mark('never-played');
    await delay(500);
    const clearedAt = bot.clear();
    const echoed = await bot.waitFor('mark', (m) => m.mark.name === 'never-played', 1000);
    await delay(300);
    const toned = tonesByPacket(packetsSince(call, from), [900]).filter((p) => p.ratios[0]! > 0.5);
    assert.ok(toned.length >= 20, `the tone played before the clear (${toned.length} packets)`);
    const last = toned.at(-1)!.at - clearedAt;
    t.diagnostic(`mark echoed ${(echoed.at - clearedAt).toFixed(1)} ms, last tone packet ${last.toFixed(1)} ms after clear`); // prettier-ignore
    assert.ok(echoed.at - clearedAt < 50, 'the pending mark comes back at once');
    assert.ok(last < 20 + 15, `last tone packet ${last.toFixed(1)} ms after clear`);
    assert.equal(bot.messages.filter((m) => m.data.event === 'mark').length, 1, 'once');
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await call.hangup().catch(() => call.close());
    bot.close();
  }
});

test('the caller’s digits, and digits ARI sends to the channel, reach the bot as dtmf', async () => {
  const { call, id: sipId } = await caller();
  const { bot, id } = await dialedBot();
  const bridgeId = await mixingBridge(server, [sipId, id]);
  try {
    await delay(200); // the bridge settles (its mix sends nothing until someone speaks)
    await call.sendDtmf('5', 100);
    const five = await bot.waitFor('dtmf');
    assert.deepEqual(five.data.dtmf, { track: 'inbound_track', digit: '5' });
    assert.equal(five.data.streamSid, bot.streamSid);
    assert.match(five.data.sequenceNumber, /^\d+$/);
    assert.equal((await ari(server, 'POST', `/channels/${id}/dtmf?dtmf=7`)).status, 204);
    await bot.waitFor('dtmf', (m) => m.dtmf.digit === '7');
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await call.hangup().catch(() => call.close());
    bot.close();
  }
});

test('a hangup sends stop as the last message, with the SIDs of start, then closes the socket', async () => {
  const callSid = 'CA' + 'ab'.repeat(16);
  const { bot, id } = await dialedBot({ TWILIO_CALL_SID: callSid });
  const start = bot.messages[1]!.data;
  assert.equal(start.start.callSid, callSid);
  assert.equal((await ari(server, 'DELETE', `/channels/${id}`)).status, 204);
  const stop = await bot.waitFor('stop');
  assert.deepEqual(stop.data.stop, { accountSid: start.start.accountSid, callSid });
  assert.equal(stop.data.streamSid, start.streamSid);
  assert.equal(await bot.waitClose(), 1000);
  assert.equal(bot.messages.at(-1), stop, 'the last message');
  const previous = bot.messages.at(-2)!.data;
  assert.equal(Number(stop.data.sequenceNumber), Number(previous.sequenceNumber) + 1);
});

test('server mode: the bot dials /media/<id>; the channel is slin16, the stream µ-law; tones both ways', async (t) => {
  const { call, id: sipId } = await caller();
  const made = await externalMedia({ connection_type: 'server', format: 'slin16' }, { TWILIO_PARAM_mode: 'server' });
  assert.match(made.name, /^WebSocket\/INCOMING\//);
  const bot = await TwilioBot.connect(mediaUrl(server, made.channelvars.MEDIA_WEBSOCKET_CONNECTION_ID!));
  const start = await bot.waitFor('start');
  assert.equal(bot.messages[0]!.data.event, 'connected');
  assert.deepEqual(start.data.start.customParameters, { mode: 'server' });
  assert.deepEqual(start.data.start.mediaFormat, { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 });
  await stasisStart(events, made.id);
  const bridgeId = await mixingBridge(server, [sipId, made.id]);
  try {
    const { botHeard, callerHeard } = await exchangeTones(call, bot);
    t.diagnostic(`bot hears 440 Hz ${botHeard.toFixed(3)}, caller hears 1000 Hz ${callerHeard.toFixed(3)}`);
    assert.ok(botHeard > 0.8, `the bot hears 440 Hz: ${botHeard.toFixed(3)}`);
    assert.ok(callerHeard > 0.8, `the caller hears 1000 Hz: ${callerHeard.toFixed(3)}`);
    assert.ok(
      bot.media().every((m) => Buffer.from(m.data.media.payload, 'base64').length === 160),
      '160 µ-law bytes a frame',
    );
    bot.close(1000);
    const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === made.id);
    assert.equal(destroyed.cause, 16);
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await call.hangup().catch(() => call.close());
  }
});

test('server mode: a hangup sends stop as the last message, then closes the socket with 1000', async () => {
  const made = await externalMedia({ connection_type: 'server', format: 'ulaw' });
  const bot = await TwilioBot.connect(mediaUrl(server, made.channelvars.MEDIA_WEBSOCKET_CONNECTION_ID!));
  const start = await bot.waitFor('start');
  await stasisStart(events, made.id);
  assert.equal((await ari(server, 'DELETE', `/channels/${made.id}`)).status, 204);
  const stop = await bot.waitFor('stop');
  assert.equal(stop.data.streamSid, start.data.streamSid);
  assert.deepEqual(stop.data.stop, { accountSid: start.data.start.accountSid, callSid: start.data.start.callSid });
  assert.equal(await bot.waitClose(), 1000);
  assert.equal(bot.messages.at(-1), stop, 'the last message');
});
