// Shared set-up of the music-on-hold end-to-end tests: a server whose musiconhold.conf has Debian's MOH folder
// sorted by name (so the first file heard is known) and a class of two tone files (440 Hz then 1 kHz, 1 s each,
// raw signed-linear written here), and helpers that read what a SIP caller heard packet by packet.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeG711 } from '../../src/media/codecs/g711.js';
import { MOH_DIR, sine, soxSamples, toneRatio } from '../helpers/audio.js';
import type { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';

/** The first file of Debian's MOH folder in name order (strcasecmp). */
export const FIRST_MOH_FILE = join(MOH_DIR, 'macroform-cold_day.wav');
export const TONE_A_HZ = 440;
export const TONE_B_HZ = 1000;
const TONE_SECONDS = 1;
const RATE = 8000;

export const EXTENSIONS = `
[default]
exten => app,1,Answer()
 same => n,Stasis(moh)
 same => n,Wait(3)
 same => n,Hangup()
exten => early,1,Stasis(moh)
 same => n,Hangup()
exten => mohdp,1,Answer()
 same => n,MusicOnHold(tones,1)
 same => n,Hangup()
exten => startstop,1,Answer()
 same => n,StartMusicOnHold(Tones)
 same => n,Wait(1)
 same => n,StopMusicOnHold()
 same => n,Wait(1)
 same => n,Hangup()
exten => echo,1,Answer()
 same => n,Echo()
exten => park,1,Answer()
 same => n,Wait(30)
`;

export interface MohServer {
  readonly server: TestServer;
  close(): Promise<void>;
}

/** A server with the two classes, its RTP ports from `rtpStart` (each test file its own range). */
export async function startMohServer(rtpStart: number): Promise<MohServer> {
  const dir = mkdtempSync(join(tmpdir(), 'moh-e2e-'));
  const tones = join(dir, 'tones');
  mkdirSync(tones);
  const a = sine(TONE_A_HZ, TONE_SECONDS * RATE);
  const b = sine(TONE_B_HZ, TONE_SECONDS * RATE);
  writeFileSync(join(tones, 'a.sln'), Buffer.from(a.buffer));
  writeFileSync(join(tones, 'b.sln'), Buffer.from(b.buffer));
  const server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': EXTENSIONS,
    'pjsip.conf': EMBEDDED_PJSIP,
    'rtp.conf': `[general]\nrtpstart=${rtpStart}\nrtpend=${rtpStart + 999}\n`,
    'asterisk.conf': `[directories]\nastspooldir=${join(dir, 'spool')}\n`,
    'musiconhold.conf': `[default]\nmode=files\ndirectory=${MOH_DIR}\nsort=alpha\n[tones]\nmode=files\ndirectory=${tones}\nsort=alpha\n`,
  });
  return {
    server,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The frames (20 ms packets) heard since packet `from`, decoded. */
export function framesHeard(call: RtpCall, from = 0): Int16Array[] {
  return call
    .audioPackets()
    .slice(from)
    .map((p) => {
      const out = new Int16Array(p.payload.length);
      decodeG711(p.pt === 8 ? 'alaw' : 'ulaw', p.payload, out, p.payload.length);
      return out;
    });
}

/** Which of the two tones each frame carries ('a', 'b', or '-' for neither: silence or a boundary). */
export function toneOfFrames(frames: Int16Array[]): string {
  return frames.map((f) => (toneRatio(f, TONE_A_HZ) > 0.6 ? 'a' : toneRatio(f, TONE_B_HZ) > 0.6 ? 'b' : '-')).join('');
}

/** Whether every packet since `from` carries µ-law or A-law silence (all samples within the codec's quiet floor). */
export function allSilent(frames: Int16Array[]): boolean {
  return frames.every((f) => f.every((s) => Math.abs(s) <= 8));
}

/** Resolves after `ms`: to see that nothing more arrives (absence can only be shown by waiting). */
export function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Packets that arrive in the next `ms` after letting `graceMs` of in-flight ones land. */
export async function packetsDuring(call: RtpCall, ms: number, graceMs = 100): Promise<number> {
  await pause(graceMs);
  const before = call.audioPackets().length;
  await pause(ms);
  return call.audioPackets().length - before;
}

/** The first seconds of the first MOH file, as sox decodes it. */
export function firstMohSeconds(seconds: number): Int16Array {
  return soxSamples(FIRST_MOH_FILE).subarray(0, seconds * RATE);
}
