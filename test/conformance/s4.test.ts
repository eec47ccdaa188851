/**
 * Conformance s4, non-media part. traces/s4_bridge.mjs mixes media (recordings, bridge play/moh/record,
 * channel moh, snoop, externalMedia) into bridge work; scenarios/s4_nonmedia.mjs is a reduced copy with only
 * its non-media statements, in the original order: two originated channels, bridge create/add (with an
 * unknown channel)/get, hold, mute and DTMF errors, DTMF into bridged Echo channels, move between bridges,
 * remove, destroy with a channel inside, move to an unregistered app, hangup reasons. It is compared with
 * the matching subset of the recording (s4.txt / s4.jsonl).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTrace, type Exclusions, type HttpExclusion } from './compare.js';
import { runConformance } from './replay.js';
import { loadRecorded, SCENARIOS_DIR, scriptRequests } from './traces.js';

const SCRIPT = join(SCENARIOS_DIR, 's4_nonmedia.mjs');
const MEDIA_IDS = new Set(['sn1', 'em1']);

// The exchanges and events of the removed statements (all arrive with the media issue).
const EXCLUDE: Exclusions = {
  http: [
    // channel recordings (nominal, cancel, r3 while bridged)
    { method: 'POST', path: /^\/channels\/k2\/record\?/, why: 'recording' },
    // live and stored recordings
    { path: /^\/recordings\//, why: 'recording' },
    // bridge play, moh, record
    { path: /^\/bridges\/br1\/(play|moh|record)(\/|\?|$)/, why: 'bridge playback/moh/recording' },
    // the GET /bridges/br1 at 4630 ms, while MOH plays (technology "softmix"): left out with the moh
    { method: 'GET', path: /^\/bridges\/br1$/, recordedAt: [4600, 4700], why: 'bridge moh' },
    // channel moh start/stop
    { path: /^\/channels\/k2\/moh$/, why: 'moh' },
    // snoop sn1 and its hangup
    { method: 'POST', path: /^\/channels\/k2\/snoop\//, why: 'snoop' },
    { method: 'DELETE', path: /^\/channels\/sn1$/, why: 'snoop' },
    // externalMedia em1, its rtp_statistics and hangup
    { path: /^\/channels\/externalMedia\?/, why: 'externalMedia' },
    { path: /^\/channels\/em1(\/|\?|$)/, why: 'externalMedia' },
  ],
  events: [
    // Playback*/Recording* events (incl. RecordingFailed "Cannot record channel while in bridge")
    { why: 'playback/recording', match: (e) => e.type.startsWith('Playback') || e.type.startsWith('Recording') },
    // the snoop and externalMedia channels
    {
      why: 'snoop/externalMedia',
      match: (e) =>
        ['channel', 'peer'].some((k) => MEDIA_IDS.has((e.proj[k] as { id?: string } | undefined)?.id ?? '')),
    },
    // ChannelDtmfReceived: POST /channels/k2/dtmf sends DTMF that Echo on k2;2 plays back and the bridge
    // plays to k3, whose Echo plays it back again: the digits bounce between the two Echo channels until
    // k2 leaves br1, in Asterisk and in Switchyard alike (test/e2e/bridges.test.ts checks the crossing).
    // How many bounces fit in that window depends on timing, so these events are not compared one by one.
    { why: 'DTMF bouncing between two bridged Echo channels (timing-dependent count)', match: (e) => e.type === 'ChannelDtmfReceived' },
    // BRIDGEPEER changes caused by the bridge's Announcer (play, moh) and Recorder (record) channels
    // joining and leaving br1, 2320..5700 ms into the recording; the replay has no such channels.
    {
      why: 'bridge play/moh/record',
      match: (e, side) =>
        side === 'expected' &&
        e.type === 'ChannelVarset' &&
        e.proj['variable'] === 'BRIDGEPEER' &&
        e.t >= 2320 &&
        e.t <= 5700,
    },
  ],
};

test('s4: the reduced script issues exactly the recorded requests that are not excluded', () => {
  const recorded = parseTrace(loadRecorded('s4').stdout);
  const rules: readonly HttpExclusion[] = EXCLUDE.http ?? [];
  const kept = recorded.http
    .filter(
      (x) =>
        !rules.some(
          (r) =>
            (r.method === undefined || r.method === x.method) &&
            r.path.test(x.path) &&
            (r.recordedAt === undefined || (x.t >= r.recordedAt[0] && x.t <= r.recordedAt[1])),
        ),
    )
    .map((x) => ({ method: x.method, path: x.path.split('?')[0]! }));
  assert.deepEqual(scriptRequests(readFileSync(SCRIPT, 'utf8')), kept);
});

test('conformance s4: bridges, DTMF, move, hangup reasons (no media)', { timeout: 90_000 }, async () => {
  await runConformance({ name: 's4', script: SCRIPT, exclude: EXCLUDE, timeoutMs: 60_000 });
});
