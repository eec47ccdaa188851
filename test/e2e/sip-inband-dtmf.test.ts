// dtmf_mode=inband on real SIP calls: tones in the G.711 audio are detected (ChannelDtmfReceived) and sendDTMF
// puts tones into the outgoing audio (no telephone-event packets).
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeUlaw, encodeUlaw } from '../../src/media/codecs/g711.js';
import { DtmfDetector } from '../../src/media/dtmf-detector.js';
import { DtmfToneGenerator } from '../../src/media/dtmf-tones.js';
import { ari, EventSocket, type AriEvent } from '../helpers/ari.js';
import { writeRtpPcap, type RtpOut } from '../helpers/pcap.js';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';
import { freeUdpPort, killAllSipp, sippAvailable, startSipp } from '../helpers/sipp.js';

const skip = sippAvailable() ? false : 'sipp not installed (Debian package sip-tester)';

const PJSIP = `
[udp]
type=transport
protocol=udp
bind=127.0.0.1:5060
[anonymous]
type=endpoint
context=default
disallow=all
allow=ulaw
dtmf_mode=inband
`;

let server: TestServer;
let events: EventSocket;

before(async () => {
  if (skip) return;
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => app,1,Stasis(inband)\n same => n,Hangup()\n',
    'pjsip.conf': PJSIP,
    'rtp.conf': '[general]\nrtpstart=29000\nrtpend=29999\n',
  });
  events = await EventSocket.open(server, 'inband');
});

after(async () => {
  killAllSipp();
  events?.close();
  await server?.close();
});

/** µ-law RTP: 300 ms of silence, the digit's tone for `ms`, then silence again. */
function tonePcap(path: string, digit: string, ms: number): void {
  const gen = new DtmfToneGenerator();
  const pcm = new Int16Array(160);
  const packets: RtpOut[] = [];
  const frames = 15 + ms / 20 + 25;
  for (let i = 0; i < frames; i++) {
    if (i === 15) gen.start(digit);
    if (i === 15 + ms / 20) gen.stop();
    gen.fill(pcm, 160);
    const payload = Buffer.alloc(160);
    encodeUlaw(pcm, payload, 160);
    packets.push({
      payloadType: 0,
      marker: i === 0,
      seq: i,
      timestamp: i * 160,
      ssrc: 0x1234,
      payload,
      atUs: i * 20_000,
    });
  }
  writeRtpPcap(path, packets);
}

describe('in-band DTMF', { skip }, () => {
  test('tones in the caller audio become ChannelDtmfReceived', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sy-inband-')), 'tone.pcap');
    tonePcap(path, '9', 200);
    const mark = events.events.length;
    const sipp = await startSipp({
      scenario: 'uac-call',
      remote: `127.0.0.1:${server.sip.port}`,
      service: 'app',
      vars: { hangup: 'uac', holdms: '2500' },
      keys: { pcap: path },
    });
    const start = await events.wait((e) => e.type === 'StasisStart' && events.events.indexOf(e) >= mark, 8000);
    const id = start.channel!.id;
    await ari(server, 'POST', `/channels/${id}/answer`);
    const dtmf = await events.wait((e: AriEvent) => e.type === 'ChannelDtmfReceived' && e.channel?.id === id, 8000);
    assert.equal(dtmf.digit, '9');
    assert.ok(Math.abs((dtmf.duration_ms as number) - 200) <= 40, `duration ${dtmf.duration_ms}`);
    assert.equal((await sipp.done).code, 0);
  });

  test('sendDTMF plays the tones in the outgoing audio', async () => {
    const media = createSocket('udp4');
    const detected: string[] = [];
    // Begins are counted: an idle channel sends nothing after the last tone, so its release is never heard.
    const detector = new DtmfDetector({ onDigitBegin: (d) => detected.push(d), onDigitEnd: () => {} });
    const pcm = new Int16Array(160);
    let telephoneEvents = 0;
    media.on('message', (b) => {
      if ((b[1]! & 0x7f) === 101) telephoneEvents++;
      if ((b[1]! & 0x7f) !== 0) return;
      const payload = b.subarray(12);
      decodeUlaw(payload, pcm, payload.length);
      detector.push(pcm, payload.length);
    });
    await new Promise<void>((r) => media.bind(0, '127.0.0.1', r));
    const sipp = await startSipp({
      scenario: 'uas-answer',
      localPort: await freeUdpPort(),
      vars: { holdms: '15000' },
      keys: { sdp_port: String(media.address().port) },
    });
    await sipp.ready;
    const endpoint = encodeURIComponent(`PJSIP/anonymous/sip:uas@127.0.0.1:${sipp.port}`);
    const ch = (await ari(server, 'POST', `/channels?endpoint=${endpoint}&app=inband`)).json as { id: string };
    await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === ch.id, 8000);
    assert.equal((await ari(server, 'POST', `/channels/${ch.id}/dtmf?dtmf=47&duration=150&between=100`)).status, 204);
    await new Promise((r) => setTimeout(r, 900));
    await ari(server, 'DELETE', `/channels/${ch.id}`);
    media.close();
    assert.deepEqual(detected, ['4', '7']);
    assert.equal(telephoneEvents, 0);
    await sipp.done;
  });
});
