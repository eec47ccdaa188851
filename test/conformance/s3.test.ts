/**
 * Conformance s3, traces/s3_media.mjs replayed whole: create + dial with body variables, the answer, play and
 * dial errors, the playback list of every scheme with its controls, a non-controllable number, queued playbacks
 * stopped; a recording queued behind the never-ending tone playback (live get/pause/unpause, record errors, stop
 * while queued, stored list/get/file/copy of a recording that never was, overwrite refused), externalMedia over
 * RTP (its channel variables, two parameter errors, rtp_statistics without glue, hangup), the channel's own hangup
 * when its peer's Wait(60) ends (which fails or finishes every playback and runs the queued recording), live and
 * stored deletes; a bridge the channel can no longer join with its playback, music on hold and recording;
 * channel music on hold and other operations on the hung-up channel; snoop of it; hangup reasons. It is compared
 * with the recording (s3.txt / s3.jsonl) in full.
 */
import { test } from 'node:test';
import { join } from 'node:path';
import { runConformance } from './replay.js';
import { tracesDir } from './traces.js';

const SCRIPT = join(tracesDir(), 's3_media.mjs');

test(
  'conformance s3: create + dial, channel playbacks, recordings, externalMedia, natural hangup, bridge media, snoop, hangup reasons',
  { timeout: 200_000 },
  async () => {
    // ~110 s: the recording blocks wait out their 8 s timeouts and the dialplan's Wait(60), like the recording
    await runConformance({ name: 's3', script: SCRIPT, exclude: {}, timeoutMs: 150_000 });
  },
);
