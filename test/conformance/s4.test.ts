/**
 * Conformance s4, traces/s4_bridge.mjs replayed whole: two originated channels; a live recording with get/pause/unpause/mute/unmute/stop, the
 * stored list/file/copy (existing name, escaping name)/delete; a cancelled recording; bridge create/add
 * (with an unknown channel)/get; a recording refused while bridged; bridge playback, music on hold and
 * recording; hold, channel music on hold, mute and DTMF errors, DTMF into bridged Echo channels; move
 * between bridges, remove, destroy with a channel inside; snoop; externalMedia over RTP; move to an
 * unregistered app; hangup reasons. It is compared with the recording (s4.txt / s4.jsonl); only the count of
 * DTMF events bouncing between two Echo channels is left out.
 */
import { test } from 'node:test';
import { join } from 'node:path';
import type { Exclusions } from './compare.js';
import { runConformance } from './replay.js';
import { tracesDir } from './traces.js';

const SCRIPT = join(tracesDir(), 's4_bridge.mjs');

/**
 * The recording's Asterisk ran s3 just before s4, and s3's bridge recording `brec` stayed in its spool: s4's
 * stored list shows it. The replay starts from that state: a brec.wav (empty, 8 kHz 16-bit mono) is there.
 */
function emptyWav(): Uint8Array {
  const HEADER = 44;
  const RATE = 8000;
  const BYTES_PER_SAMPLE = 2;
  const b = Buffer.alloc(HEADER);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(HEADER - 8, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16); // fmt chunk size
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(RATE, 24);
  b.writeUInt32LE(RATE * BYTES_PER_SAMPLE, 28);
  b.writeUInt16LE(BYTES_PER_SAMPLE, 32);
  b.writeUInt16LE(8 * BYTES_PER_SAMPLE, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(0, 40);
  return b;
}

const EXCLUDE: Exclusions = {
  events: [
    // ChannelDtmfReceived: POST /channels/k2/dtmf sends DTMF that Echo on k2;2 plays back and the bridge
    // plays to k3, whose Echo plays it back again: the digits bounce between the two Echo channels until
    // k2 leaves br1, in Asterisk and in Switchyard alike (test/e2e/bridges.test.ts checks the crossing).
    // How many bounces fit in that window depends on timing, so these events are not compared one by one.
    {
      why: 'DTMF bouncing between two bridged Echo channels (timing-dependent count)',
      match: (e) => e.type === 'ChannelDtmfReceived',
    },
  ],
};

test(
  'conformance s4: recordings, bridges and their media, DTMF, move, snoop, hangup reasons',
  { timeout: 90_000 },
  async () => {
    await runConformance({
      name: 's4',
      script: SCRIPT,
      exclude: EXCLUDE,
      timeoutMs: 60_000,
      recordings: { 'brec.wav': emptyWav() },
    });
  },
);
