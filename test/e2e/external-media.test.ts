// ARI externalMedia with UnicastRTP end to end: the 200 and its channelvars, the channel's events up to
// StasisStart (data as args), and real audio. A SIP caller in Stasis and the externalMedia channel share a mixing
// bridge; the test's own UDP socket is external_host: it decodes the RTP it receives (Goertzel on the caller's
// tone), sends a second tone back as paced RTP, and the caller must hear it. ulaw (PT 0) and slin16 (PT 118,
// big-endian L16); RFC 4733 digits both ways; symmetric RTP on request.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ari, EventSocket, type AriEvent } from '../helpers/ari.js';
import { sine, toneRatio } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { AUDIO_CODECS } from '../../src/media/codecs/audio-codecs.js';
import { DTMF_PT, ExternalRtpPeer, type RtpIn } from './external-media-peer.js';

let server: TestServer;
let events: EventSocket;

const RTP_START = 36000;
const RTP_END = 36999;
/** A tone above 4 kHz only crosses a path that stays at 16 kHz. */
const HIGH_TONE = 5000;

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => app,1,Answer()\n same => n,Stasis(em)\n same => n,Hangup()\n',
    'pjsip.conf': EMBEDDED_PJSIP.replace(/(\[anonymous\][^[]*?allow = )ulaw,alaw/, '$1ulaw,alaw,slin16'),
    'rtp.conf': `[general]\nrtpstart=${RTP_START}\nrtpend=${RTP_END}\n`,
  });
  events = await EventSocket.open(server, 'em');
});

after(async () => {
  events.close();
  await server.close();
});

const started = new Set<string>();

/** A SIP caller answered into Stasis(em). */
async function caller(codec: 'ulaw' | 'slin16'): Promise<{ call: RtpCall; id: string }> {
  const call = await RtpCall.dial(server, 'app', { codec });
  const start = await events.wait(
    (e) => e.type === 'StasisStart' && (e.channel as any).name.startsWith('PJSIP/') && !started.has(e.channel!.id),
  );
  started.add(start.channel!.id);
  return { call, id: start.channel!.id };
}

/** POST /channels/externalMedia toward `peer`, then its StasisStart. */
async function externalMedia(peer: ExternalRtpPeer, query: string, body?: unknown) {
  const r = await ari(server, 'POST', `/channels/externalMedia?app=em&external_host=${peer.address}&${query}`, body);
  assert.equal(r.status, 200, r.text);
  const id = r.json.id as string;
  await events.wait((e) => e.type === 'StasisStart' && e.channel!.id === id);
  const local = {
    address: r.json.channelvars.UNICASTRTP_LOCAL_ADDRESS,
    port: Number(r.json.channelvars.UNICASTRTP_LOCAL_PORT),
  };
  return { id, json: r.json, local };
}

async function bridge(ids: readonly string[]): Promise<string> {
  const b = (await ari(server, 'POST', '/bridges?type=mixing')).json as { id: string };
  const r = await ari(server, 'POST', `/bridges/${b.id}/addChannel?channel=${ids.join(',')}`);
  assert.equal(r.status, 204, r.text);
  await new Promise((r) => setTimeout(r, 200));
  return b.id;
}

function eventsOf(id: string): AriEvent[] {
  return events.events.filter((e) => e.channel?.id === id || e.peer?.id === id);
}

/** L16 decoded by hand: big-endian (RFC 3551 §4.5.11), or little-endian to show the order matters. */
function decodeL16(payloads: readonly Buffer[], bigEndian: boolean): Int16Array {
  const out = new Int16Array(payloads.reduce((n, p) => n + p.length / 2, 0));
  let at = 0;
  for (const p of payloads)
    for (let i = 0; i + 1 < p.length; i += 2) out[at++] = bigEndian ? p.readInt16BE(i) : p.readInt16LE(i);
  return out;
}

test('200 with the Down snapshot and every channel variable; dialed, answered, then Stasis(app,data)', async () => {
  const peer = await ExternalRtpPeer.open('ulaw');
  try {
    const em = await externalMedia(peer, 'format=ulaw&data=first,second', { variables: { X: 'y' } });
    const { json, id } = em;
    assert.match(json.name, new RegExp(`^UnicastRTP/127\\.0\\.0\\.1:${peer.port}-0x[0-9a-f]+$`));
    assert.equal(json.state, 'Down');
    assert.deepEqual(json.dialplan, {
      context: 'default',
      exten: 's',
      priority: 1,
      app_name: 'AppDial2',
      app_data: '(Outgoing Line)',
    });
    // Asterisk's variable list, newest first (trace s3): the request's, then the driver's.
    assert.deepEqual(Object.keys(json.channelvars), ['X', 'UNICASTRTP_LOCAL_PORT', 'UNICASTRTP_LOCAL_ADDRESS']);
    assert.equal(json.channelvars.X, 'y');
    assert.equal(em.local.address, '127.0.0.1');
    assert.equal(em.local.port % 2, 0);
    assert.ok(em.local.port >= RTP_START && em.local.port <= RTP_END, `port ${em.local.port}`);
    assert.deepEqual(Object.keys(json), [
      'id',
      'name',
      'state',
      'protocol_id',
      'caller',
      'connected',
      'accountcode',
      'dialplan',
      'creationtime',
      'language',
      'channelvars',
    ]);

    const seen = eventsOf(id);
    assert.deepEqual(
      seen.map((e) => e.type),
      ['Dial', 'ChannelStateChange', 'Dial', 'ChannelVarset', 'StasisStart'],
    );
    assert.deepEqual(
      seen.filter((e) => e.type === 'Dial').map((e) => [e.dialstatus, e.dialstring]),
      [
        ['', `127.0.0.1:${peer.port}/c(ulaw)`],
        ['ANSWER', `127.0.0.1:${peer.port}/c(ulaw)`],
      ],
    );
    const start = seen.at(-1)!;
    assert.deepEqual(start.args, ['first', 'second']);
    assert.equal(start.channel!.state, 'Up');
    assert.deepEqual(
      [start.channel!.dialplan.app_name, (start.channel!.dialplan as any).app_data],
      ['Stasis', 'em,first,second'],
    );
    // The request's variables were set before the application was subscribed: it saw no ChannelVarset for them.
    assert.ok(!seen.some((e) => e.type === 'ChannelVarset' && e.variable === 'X'));

    const variable = await ari(server, 'GET', `/channels/${id}/variable?variable=UNICASTRTP_LOCAL_PORT`);
    assert.deepEqual(variable.json, { value: String(em.local.port) });
    assert.equal((await ari(server, 'DELETE', `/channels/${id}`)).status, 204);
    const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel!.id === id);
    assert.equal(destroyed.cause, 16);
    assert.deepEqual(
      eventsOf(id)
        .slice(5)
        .map((e) => e.type),
      ['ChannelHangupRequest', 'StasisEnd', 'ChannelVarset', 'ChannelDestroyed'],
    );
  } finally {
    peer.close();
  }
});

test('JSON body keys override the query (channelId, format); variables are read from the body only', async () => {
  const peer = await ExternalRtpPeer.open('alaw');
  try {
    const r = await ari(
      server,
      'POST',
      `/channels/externalMedia?app=em&external_host=${peer.address}&format=ulaw&channelId=from-query`,
      {
        channelId: 'from-body',
        format: 'alaw',
        variables: { V: { value: 'w', report_events: true } },
      },
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.id, 'from-body');
    assert.equal(r.json.channelvars.V, 'w');
    await events.wait((e) => e.type === 'StasisStart' && e.channel!.id === 'from-body');
    const dial = eventsOf('from-body').find((e) => e.type === 'Dial')!;
    assert.equal(dial.dialstring, `127.0.0.1:${peer.port}/c(alaw)`);
    await ari(server, 'DELETE', '/channels/from-body');
  } finally {
    peer.close();
  }
});

/** What one exchange through a mixing bridge gave: the RTP the app received, and what the caller heard. */
interface Exchange {
  readonly em: Awaited<ReturnType<typeof externalMedia>>;
  readonly bridgeId: string;
  readonly packets: RtpIn[];
  readonly heardByCaller: Int16Array;
}

/** The caller and the app each send their tone for 1.6 s at once through a mixing bridge; the last 1.2 s heard. */
async function exchange(
  peer: ExternalRtpPeer,
  a: { call: RtpCall; id: string },
  tones: { caller: number; app: number },
): Promise<Exchange> {
  const rate = AUDIO_CODECS[peer.codec].rate;
  const em = await externalMedia(peer, `format=${peer.codec}`);
  const bridgeId = await bridge([a.id, em.id]);
  const markPeer = peer.received.length;
  const markCall = a.call.audioPackets().length;
  await Promise.all([
    a.call.sendAudio(sine(tones.caller, rate * 1.6, 6000, rate)),
    peer.sendAudio(sine(tones.app, rate * 1.6, 6000, rate), em.local),
  ]);
  await new Promise((r) => setTimeout(r, 100));
  return { em, bridgeId, packets: peer.packets(markPeer), heardByCaller: a.call.heard(markCall).subarray(-rate * 1.2) };
}

/** One format on the wire: its payload type, 20 ms payloads, timestamps advancing by their samples. */
function assertStream(packets: readonly RtpIn[], pt: number, bytes: number, ticks: number): void {
  assert.ok(packets.length >= 60, `${packets.length} packets`);
  assert.ok(packets.every((p) => p.pt === pt && p.payload.length === bytes));
  for (let i = 1; i < packets.length; i++) {
    const steps = (packets[i]!.seq - packets[i - 1]!.seq) & 0xffff;
    assert.equal((packets[i]!.ts - packets[i - 1]!.ts) >>> 0, ticks * steps);
  }
}

async function release(x: Exchange): Promise<void> {
  await ari(server, 'DELETE', `/bridges/${x.bridgeId}`);
  await ari(server, 'DELETE', `/channels/${x.em.id}`);
  await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel!.id === x.em.id);
}

test('ulaw: the app hears the caller (PT 0, 160 bytes and 160 ticks a packet, from the local address), the caller hears the app; no RTCP', async () => {
  const watched = await ExternalRtpPeer.openWithRtcpWatch('ulaw');
  const peer = watched.peer;
  const a = await caller('ulaw');
  try {
    const x = await exchange(peer, a, { caller: 700, app: 1100 });
    assertStream(x.packets, 0, 160, 160);
    assert.ok(peer.received.every((d) => d.from.address === x.em.local.address && d.from.port === x.em.local.port));
    const appRatio = toneRatio(peer.heard().subarray(-8000 * 1.2), 700);
    assert.ok(appRatio > 0.5, `the app hears 700 Hz: ${appRatio}`);
    const callerRatio = toneRatio(x.heardByCaller, 1100);
    assert.ok(callerRatio > 0.5, `the caller hears 1100 Hz: ${callerRatio}`);
    console.log(`ulaw: app hears 700 Hz at ${appRatio.toFixed(4)}, caller hears 1100 Hz at ${callerRatio.toFixed(4)}`);
    await release(x);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(watched.rtcp.length, 0, 'nothing was sent to port + 1 (no RTCP, no BYE)');
  } finally {
    await a.call.hangup().catch(() => a.call.close());
    watched.close();
  }
});

test('slin16: big-endian L16/16000 on PT 118 both ways (640 bytes and 320 ticks a packet); a 5 kHz tone reaches the caller', async () => {
  const peer = await ExternalRtpPeer.open('slin16');
  const a = await caller('slin16');
  try {
    const x = await exchange(peer, a, { caller: 700, app: HIGH_TONE });
    assertStream(x.packets, 118, 640, 320);
    const payloads = x.packets.map((p) => p.payload);
    const appRatio = toneRatio(decodeL16(payloads, true).subarray(-16000 * 1.2), 700, 16000);
    assert.ok(appRatio > 0.5, `the app hears 700 Hz in big-endian L16: ${appRatio}`);
    const littleEndian = toneRatio(decodeL16(payloads, false).subarray(-16000 * 1.2), 700, 16000);
    assert.ok(littleEndian < 0.2, `read little-endian it is noise: ${littleEndian}`);
    const callerRatio = toneRatio(x.heardByCaller, HIGH_TONE, 16000);
    assert.ok(callerRatio > 0.5, `the caller hears 5 kHz: ${callerRatio}`);
    console.log(
      `slin16: app hears 700 Hz at ${appRatio.toFixed(4)} (LE ${littleEndian.toFixed(4)}), caller hears 5 kHz at ${callerRatio.toFixed(4)}`,
    );
    await release(x);
  } finally {
    await a.call.hangup().catch(() => a.call.close());
    peer.close();
  }
});

test('RFC 4733 digits both ways on PT 101: caller → app as events, app → ChannelDtmfReceived and the caller', async () => {
  const peer = await ExternalRtpPeer.open('ulaw');
  const a = await caller('ulaw');
  try {
    const em = await externalMedia(peer, 'format=ulaw');
    const bridgeId = await bridge([a.id, em.id]);
    await a.call.sendDtmf('5', 120);
    const deadline = Date.now() + 3000;
    while (!peer.digits().includes('5') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(peer.digits(), '5');
    assert.ok(
      peer.packets().some((p) => p.pt === DTMF_PT && p.marker),
      'the first event packet has the marker bit',
    );

    await peer.sendDigit('7', em.local);
    const received = await events.wait((e) => e.type === 'ChannelDtmfReceived' && e.channel!.id === em.id);
    assert.equal(received.digit, '7');
    assert.ok(received.duration_ms >= 100, `duration ${received.duration_ms}`);
    const callerDeadline = Date.now() + 3000;
    const callerDigit = () => a.call.received.find((p) => p.pt === 101 && (p.payload[1]! & 0x80) !== 0);
    while (callerDigit() === undefined && Date.now() < callerDeadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(callerDigit()?.payload[0], 7, 'the caller receives the end of digit 7');
    console.log(
      `dtmf: app got '${peer.digits()}', ChannelDtmfReceived '${received.digit}' ${received.duration_ms} ms, caller got event 7`,
    );
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await ari(server, 'DELETE', `/channels/${em.id}`);
  } finally {
    await a.call.hangup().catch(() => a.call.close());
    peer.close();
  }
});

/** Another socket of the app sends audio; where does the channel's audio (a bridge tone) go? */
async function whereAudioGoes(symmetric: boolean): Promise<{ toHost: number; toSource: number }> {
  const host = await ExternalRtpPeer.open('ulaw');
  const source = await ExternalRtpPeer.open('ulaw');
  try {
    const body = symmetric ? { variables: { UNICASTRTP_SYMMETRIC: 'yes' } } : undefined;
    const em = await externalMedia(host, 'format=ulaw', body);
    const bridgeId = await bridge([em.id]);
    await ari(server, 'POST', `/bridges/${bridgeId}/play?media=tone:440`);
    // Strict RTP accepts a source other than external_host after 4 packets in sequence.
    await source.sendAudio(sine(1000, 8000 * 0.4), em.local, source.socket);
    const markHost = host.received.length;
    const markSource = source.received.length;
    await new Promise((r) => setTimeout(r, 300));
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await ari(server, 'DELETE', `/channels/${em.id}`);
    return { toHost: host.received.length - markHost, toSource: source.received.length - markSource };
  } finally {
    host.close();
    source.close();
  }
}

test('not symmetric by default (RTP keeps going to external_host); UNICASTRTP_SYMMETRIC=yes answers to the source', async () => {
  const plain = await whereAudioGoes(false);
  assert.ok(plain.toHost >= 10 && plain.toSource === 0, JSON.stringify(plain));
  const symmetric = await whereAudioGoes(true);
  assert.ok(symmetric.toSource >= 10 && symmetric.toHost === 0, JSON.stringify(symmetric));
});
