/**
 * Conformance s3. traces/s3_media.mjs is mostly media (playbacks of every scheme, recordings, bridge
 * record/play/moh, snoop, externalMedia); scenarios/s3_nonmedia.mjs is a reduced copy with its non-media
 * statements and its channel playbacks, in the original order: create + dial with body variables, the answer,
 * play and dial errors, the playback list of every scheme with its controls, a non-controllable number, queued
 * playbacks stopped, the channel's own hangup when its peer's Wait(60) ends (which fails or finishes every
 * playback), bridge add/remove/destroy and channel operations on the hung-up channel, and hangup reasons. It is
 * compared with the matching subset of the recording (s3.txt / s3.jsonl).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrace, type Exclusions } from './compare.js';
import { runConformance } from './replay.js';
import { loadRecorded, SCENARIOS_DIR, scriptRequests } from './traces.js';

const SCRIPT = join(SCENARIOS_DIR, 's3_nonmedia.mjs');
const RECORDING = (e: { type: string }): boolean => e.type.startsWith('Recording');
/** Playbacks of the bridge (bp1): the bridge part of the media issue, not yet replayed. */
const BRIDGE_PLAYBACK = (e: { type: string; proj: Record<string, unknown> }): boolean =>
  e.type.startsWith('Playback') && (e.proj['playback'] as { id?: string } | undefined)?.id === 'bp1';

// The exchanges of the removed statements (all arrive with the media issue).
const EXCLUDE: Exclusions = {
  http: [
    // channel recordings: record sub/r1, r2, r3 with their errors
    { method: 'POST', path: /^\/channels\/k1\/record\?/, why: 'recording' },
    // live and stored recordings
    { path: /^\/recordings\//, why: 'recording' },
    // bridge play, moh, record
    { path: /^\/bridges\/br1\/(play|moh|record)(\/|\?|$)/, why: 'bridge playback/moh/recording' },
    // channel moh
    { method: 'POST', path: /^\/channels\/k1\/moh$/, why: 'moh' },
    // snoop
    { method: 'POST', path: /^\/channels\/k1\/snoop\//, why: 'snoop' },
    // externalMedia: create, its two parameter errors, rtp_statistics and hangup of em1
    { path: /^\/channels\/externalMedia\?/, why: 'externalMedia' },
    { path: /^\/channels\/em1(\/|\?|$)/, why: 'externalMedia' },
  ],
  events: [
    // Recording* events; the channel playbacks (Playback* of pl1..pl4) are compared
    { why: 'recording', match: RECORDING },
    { why: 'bridge playback', match: BRIDGE_PLAYBACK },
    // the externalMedia channel em1 (UnicastRTP): its Dial, state, Stasis and hangup events
    {
      why: 'externalMedia',
      match: (e) => ['channel', 'peer'].some((k) => (e.proj[k] as { id?: string } | undefined)?.id === 'em1'),
    },
  ],
};

test('s3: the reduced script issues exactly the recorded requests that are not excluded', () => {
  const recorded = parseTrace(loadRecorded('s3').stdout);
  const kept = recorded.http
    .filter(
      (x) =>
        !(EXCLUDE.http ?? []).some((r) => (r.method === undefined || r.method === x.method) && r.path.test(x.path)),
    )
    .map((x) => ({ method: x.method, path: x.path.split('?')[0]! }));
  assert.deepEqual(scriptRequests(readFileSync(SCRIPT, 'utf8')), kept);
});

test(
  'conformance s3: create + dial, channel playbacks, natural hangup, bridge and channel errors, hangup reasons',
  { timeout: 180_000 },
  async () => {
    // ~80 s: waits for the dialplan's Wait(60) to end, like the recording
    await runConformance({ name: 's3', script: SCRIPT, exclude: EXCLUDE, timeoutMs: 150_000 });
  },
);
