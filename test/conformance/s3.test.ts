/**
 * Conformance s3. traces/s3_media.mjs is mostly media; scenarios/s3_no_external_media.mjs is a copy without
 * its externalMedia statements (not implemented yet), so everything else is replayed in the original order:
 * create + dial with body variables, the answer, play and dial errors, the playback list of every scheme
 * with its controls, a non-controllable number, queued playbacks stopped; a recording queued behind the
 * never-ending tone playback (live get/pause/unpause, record errors, stop while queued, stored
 * list/get/file/copy of a recording that never was, overwrite refused), the channel's own hangup when its
 * peer's Wait(60) ends (which fails or finishes every playback and runs the queued recording), live and
 * stored deletes; a bridge the channel can no longer join with its playback, music on hold and recording;
 * channel music on hold and other operations on the hung-up channel; snoop of it; hangup reasons. It is
 * compared with the recording (s3.txt / s3.jsonl) minus the externalMedia parts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrace, type Exclusions } from './compare.js';
import { runConformance } from './replay.js';
import { loadRecorded, SCENARIOS_DIR, scriptRequests } from './traces.js';

const SCRIPT = join(SCENARIOS_DIR, 's3_no_external_media.mjs');
const EXCLUDE: Exclusions = {
  http: [
    // externalMedia: create, its two parameter errors, rtp_statistics and hangup of em1 (not implemented yet)
    { path: /^\/channels\/externalMedia\?/, why: 'externalMedia' },
    { path: /^\/channels\/em1(\/|\?|$)/, why: 'externalMedia' },
  ],
  events: [
    // the externalMedia channel em1 (UnicastRTP): its Dial, state, Stasis and hangup events
    {
      why: 'externalMedia',
      match: (e) => ['channel', 'peer'].some((k) => (e.proj[k] as { id?: string } | undefined)?.id === 'em1'),
    },
  ],
};

test('s3: the replayed script issues exactly the recorded requests that are not excluded', () => {
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
  'conformance s3: create + dial, channel playbacks, recordings, natural hangup, bridge media, snoop, hangup reasons',
  { timeout: 200_000 },
  async () => {
    // ~110 s: the recording blocks wait out their 8 s timeouts and the dialplan's Wait(60), like the recording
    await runConformance({ name: 's3', script: SCRIPT, exclude: EXCLUDE, timeoutMs: 150_000 });
  },
);
