// Record() in the dialplan on the media engine ARI recordings use: a SIP caller is recorded, the file's audio is
// checked against what it sent, and RECORD_STATUS / RECORDED_FILE are read over ARI once the call reaches
// Stasis. Ends and trims as app_record.c does them (checked against Asterisk 22: 2 s of tone then silence with
// Record(x.wav,3,10) leaves a 3.02 s file; a `#` after 1.5 s leaves 1.25 s; a `%d` name is kept on hangup).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadAudioFile } from '../../src/media/formats/load-audio-file.js';
import { ari, EventSocket } from '../helpers/ari.js';
import { hasSounds, rms, sine, toneRatio } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';

const APP = 'after';
let server: TestServer;
let events: EventSocket;
let dir: string;

const seconds = (s: number): number => Math.round(s * 8000);
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-record-app-'));
  const then = ` same => n,Stasis(${APP})\n`;
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'pjsip.conf': EMBEDDED_PJSIP,
    'rtp.conf': '[general]\nrtpstart=34000\nrtpend=34999\n',
    'extensions.conf': `
[default]
exten => silence,1,Answer()
 same => n,Record(${dir}/msgs/msg-%d.wav,2)
${then}
exten => digit,1,Answer()
 same => n,Record(${dir}/digit.gsm,0,0,q)
${then}
exten => operator,1,Answer()
 same => n,Record(${dir}/operator.wav,0,0,qo)
${then}
exten => timeout,1,Answer()
 same => n,Record(${dir}/timeout.wav,0,1,q)
${then}
exten => hangup,1,Answer()
 same => n,Record(${dir}/hangup.wav,,,q)
exten => keep,1,Answer()
 same => n,Record(${dir}/keep.wav,,,qk)
exten => noext,1,Answer()
 same => n,Record(${dir}/noext)
 same => n,Stasis(${APP})
`,
  });
  events = await EventSocket.open(server, APP);
});

after(async () => {
  events.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The caller's channel once Record() has returned and the call entered Stasis: its RECORD_* variables. */
async function afterRecord(known: Set<string>): Promise<{ status: string; file: string; ms: string }> {
  const start = await events.wait((e) => e.type === 'StasisStart' && !known.has(e.channel!.id), 15_000);
  const id = start.channel!.id;
  const status = await ari(server, 'GET', `/channels/${id}/variable?variable=RECORD_STATUS`);
  const file = await ari(server, 'GET', `/channels/${id}/variable?variable=RECORDED_FILE`);
  const ms = await ari(server, 'GET', `/channels/${id}/variable?variable=RECORDING_INFO(duration)`);
  return { status: status.json.value as string, file: file.json.value as string, ms: ms.json.value as string };
}

function started(): Set<string> {
  return new Set(events.events.filter((e) => e.type === 'StasisStart').map((e) => e.channel!.id));
}

async function audioOf(path: string, format = 'wav'): Promise<Int16Array> {
  const audio = await loadAudioFile(path, format);
  assert.ok(!('error' in audio), path);
  return audio.samples;
}

test(
  'Record(…-%d.wav,2): beep, then silence ends it (SILENCE) keeping 1 s of it; %d counts up per file',
  { skip: !hasSounds },
  async () => {
    for (const n of [0, 1]) {
      const known = started();
      const call = await RtpCall.dial(server, 'silence');
      try {
        await call.waitForPackets(20);
        await settle(600); // the 425 ms beep
        const beep = call.heard();
        assert.ok(toneRatio(beep.subarray(0, 3200), 700) > 0.8, 'the caller hears the beep');
        const pattern = new Int16Array(seconds(4));
        pattern.set(sine(1000, seconds(1.5)));
        await call.sendAudio(pattern);
        const { status, file } = await afterRecord(known);
        assert.equal(status, 'SILENCE');
        assert.equal(file, join(dir, 'msgs', `msg-${n}`));
        // 1.5 s of tone + 2.02 s of silence, less (2 s − 1 s) cut off.
        const recorded = await audioOf(`${file}.wav`);
        assert.equal(recorded.length, seconds(1.5) + seconds(1.02));
        assert.ok(toneRatio(recorded.subarray(0, seconds(1.5)), 1000) > 0.9);
        assert.ok(rms(recorded.subarray(seconds(1.5))) < 10);
      } finally {
        await call.hangup();
      }
    }
  },
);

test('Record(digit.gsm,0,0,q): # ends it (DTMF) and the last 250 ms go', async () => {
  const known = started();
  const call = await RtpCall.dial(server, 'digit');
  try {
    await settle(200);
    await call.sendAudio(sine(600, seconds(1.5)));
    await call.sendDtmf('#');
    const { status } = await afterRecord(known);
    assert.equal(status, 'DTMF');
    const recorded = await audioOf(join(dir, 'digit.gsm'), 'gsm');
    assert.ok(Math.abs(recorded.length - seconds(1.25)) <= 320, `recorded ${recorded.length}`);
    assert.ok(toneRatio(recorded, 600) > 0.85);
  } finally {
    await call.hangup();
  }
});

test('Record(…,qo): 0 ends it with OPERATOR', async () => {
  const known = started();
  const call = await RtpCall.dial(server, 'operator');
  try {
    await settle(200);
    await call.sendAudio(sine(600, seconds(0.5)));
    await call.sendDtmf('0');
    assert.equal((await afterRecord(known)).status, 'OPERATOR');
  } finally {
    await call.hangup();
  }
});

test('Record(timeout.wav,0,1,q): maxduration ends it (TIMEOUT) after 1 s of audio', async () => {
  const known = started();
  const call = await RtpCall.dial(server, 'timeout');
  try {
    await settle(200);
    await call.sendAudio(sine(800, seconds(1.6)));
    const { status, ms } = await afterRecord(known);
    assert.equal(status, 'TIMEOUT');
    assert.equal(ms, '1000', 'RECORDING_INFO(duration)');
    const recorded = await audioOf(join(dir, 'timeout.wav'));
    assert.equal(recorded.length, seconds(1));
    assert.ok(toneRatio(recorded, 800) > 0.9);
  } finally {
    await call.hangup();
  }
});

test('a caller hanging up loses the recording, unless option k keeps it', async () => {
  for (const [exten, kept] of [
    ['hangup', false],
    ['keep', true],
  ] as const) {
    const call = await RtpCall.dial(server, exten);
    await settle(200);
    await call.sendAudio(sine(500, seconds(0.8)));
    await call.hangup();
    const path = join(dir, `${exten}.wav`);
    const deadline = Date.now() + 3000;
    while (existsSync(path) !== kept && Date.now() < deadline) await settle(20);
    await settle(200);
    assert.equal(existsSync(path), kept, exten);
    if (kept) assert.ok(toneRatio(await audioOf(path), 500) > 0.9);
  }
});

test('Record() without a format ends the call (app_record returns -1 with RECORD_STATUS=ERROR)', async () => {
  const call = await RtpCall.dial(server, 'noext');
  const deadline = Date.now() + 3000;
  while (!call.wasHungUp && Date.now() < deadline) await settle(20);
  assert.ok(call.wasHungUp, 'the server hung up');
  call.close();
});
