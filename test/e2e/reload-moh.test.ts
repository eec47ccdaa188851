/**
 * Reloading res_musiconhold.so (PUT /ari/asterisk/modules/res_musiconhold.so) while SIP callers hear music: each
 * class is a folder of one tone file (440 Hz or 1 kHz), so what a caller hears tells which definition plays.
 * Callers already listening keep their class, also one the new file removed (as in Asterisk 22); new music
 * starts use the new classes; a file that cannot be parsed keeps the running classes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ari } from '../helpers/ari.js';
import { sine } from '../helpers/audio.js';
import { RtpCall, tonesByPacket } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';

const LOW_HZ = 440;
const HIGH_HZ = 1000;
const RATE = 8000;
/** Packets (20 ms each) judged per check: half a second of music. */
const WINDOW = 25;

const EXTENSIONS = `
[default]
exten => hold,1,Answer()
 same => n,MusicOnHold(hold)
exten => gone,1,Answer()
 same => n,MusicOnHold(gone)
`;

let server: TestServer;
let dir: string;
let low: string;
let high: string;
const calls: RtpCall[] = [];

const classes = (entries: Record<string, string>): string =>
  Object.entries(entries)
    .map(([name, folder]) => `[${name}]\nmode=files\ndirectory=${folder}\n`)
    .join('');

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reload-moh-'));
  low = join(dir, 'low');
  high = join(dir, 'high');
  mkdirSync(low);
  mkdirSync(high);
  writeFileSync(join(low, 'tone.sln'), Buffer.from(sine(LOW_HZ, RATE).buffer));
  writeFileSync(join(high, 'tone.sln'), Buffer.from(sine(HIGH_HZ, RATE).buffer));
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': EXTENSIONS,
    'pjsip.conf': EMBEDDED_PJSIP,
    'musiconhold.conf': classes({ default: low, hold: low, gone: low }),
  });
});

after(async () => {
  for (const c of calls) await c.hangup().catch(() => c.close());
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function dial(exten: string): Promise<RtpCall> {
  const call = await RtpCall.dial(server, exten);
  calls.push(call);
  return call;
}

/** The tone most of the next WINDOW packets carry: LOW_HZ, HIGH_HZ, or 0 when neither dominates. */
async function toneHeard(call: RtpCall): Promise<number> {
  const from = call.audioPackets().length;
  await call.waitForPackets(from + WINDOW);
  const judged = tonesByPacket(call.audioPackets().slice(from, from + WINDOW), [LOW_HZ, HIGH_HZ]);
  const lows = judged.filter((p) => p.ratios[0]! > 0.5).length;
  const highs = judged.filter((p) => p.ratios[1]! > 0.5).length;
  return lows > WINDOW * 0.8 ? LOW_HZ : highs > WINDOW * 0.8 ? HIGH_HZ : 0;
}

async function reload(): Promise<void> {
  const r = await ari(server, 'PUT', '/asterisk/modules/res_musiconhold.so');
  assert.equal(r.status, 204, r.text);
}

const writeMoh = (text: string): void => writeFileSync(join(server.app.config.dir, 'musiconhold.conf'), text);

test('listeners keep their class through a reload, a removed one too; new starts use the new classes', async () => {
  const holding = await dial('hold');
  const removed = await dial('gone');
  assert.equal(await toneHeard(holding), LOW_HZ);
  assert.equal(await toneHeard(removed), LOW_HZ);

  writeMoh(classes({ default: high, hold: high }));
  await reload();

  assert.equal(await toneHeard(holding), LOW_HZ, 'the caller listening to [hold] keeps the old definition');
  assert.equal(await toneHeard(removed), LOW_HZ, 'the caller listening to the removed [gone] keeps it');
  assert.equal(await toneHeard(await dial('hold')), HIGH_HZ, 'a new start of [hold] uses the new folder');
  assert.equal(await toneHeard(await dial('gone')), HIGH_HZ, 'a removed class falls back to the new [default]');
});

test('a musiconhold.conf that cannot be parsed keeps the running classes (204)', async () => {
  writeMoh(classes({ default: low, hold: low }) + '[broken\nmode=files\n');
  await reload();
  assert.equal(await toneHeard(await dial('hold')), HIGH_HZ);
});
