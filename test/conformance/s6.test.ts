/**
 * Conformance s6 (traces/s6.mjs): parameter binding — query vs JSON body precedence, repeated and JSON-array
 * multi-value parameters, form bodies, the Host header and the api-docs basePath.
 */
import { test } from 'node:test';
import type { Exclusions } from './compare.js';
import { runConformance } from './replay.js';

const EXCLUDE: Exclusions = {
  events: [
    // The PlaybackFinished of `sound:silence1` (m2, and m3's second item): the recording machine had a sound
    // `silence1` of 1 s (Finished "done" 1000 ms after Started); Debian's sounds have `silence/1` but no
    // `silence1`, so here the file is missing and the playback ends "failed" at once — as Asterisk's does for
    // a missing file (PlaybackStarted, then PlaybackFinished "failed"). Its `hello` also lasted 2 s against
    // 0.79 s for Debian's hello.wav. Every other field of these events, and their order, is compared.
    // (The p1;2 events are compared: the form-body POST /variable waits behind m1..m3 — about 1.6 s here,
    // 6 s in the recording — so in both Answer's 500 ms media wait is over and Echo runs before the hangup.)
    {
      why: 'sound silence1 installed on the recording machine, missing here',
      match: (e) =>
        e.type === 'PlaybackFinished' &&
        (e.proj['playback'] as { media_uri?: string } | undefined)?.media_uri === 'sound:silence1',
      fields: ['playback.state'],
    },
  ],
};

test('conformance s6: parameter binding', { timeout: 90_000 }, async () => {
  await runConformance({ name: 's6', script: 's6.mjs', exclude: EXCLUDE, timeoutMs: 45_000 });
});
