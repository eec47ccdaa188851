/**
 * Conformance s6 (traces/s6.mjs): parameter binding — query vs JSON body precedence, repeated and JSON-array
 * multi-value parameters, form bodies, the Host header and the api-docs basePath.
 */
import { test } from 'node:test';
import type { Exclusions } from './compare.js';
import { runConformance } from './replay.js';

const EXCLUDE: Exclusions = {
  http: [
    // POST /channels/p1/play/m1 and /play/m3 (repeated and JSON-array `media`): playbacks arrive with the
    // media issue.
    { method: 'POST', path: /^\/channels\/[^/]+\/play(\/|\?|$)/, why: 'playback (media)' },
  ],
  events: [
    // PlaybackStarted/Continuing/Finished of m1, m2, m3 (playback, media issue)
    { why: 'playback (media)', match: (e) => e.type.startsWith('Playback') },
    // Everything of p1;2 (the Local channel's dialplan half): where its dialplan is when p1 is hung up
    // depends on how long the playbacks took. In the recording the form-body POST /variable waited ~6 s
    // behind m1..m3 (Asterisk queues channel operations behind a playback), so Answer's 500 ms media wait
    // was over and Echo ran (ChannelDialplan echo/2/Echo, then hangup from Echo); without playbacks the
    // hangup comes while Answer still waits. The same ;2 hangup sequence is compared in s1, s4 and s5.
    {
      why: 'timing of the playbacks (media)',
      match: (e) => (e.proj['channel'] as { id?: string } | undefined)?.id === 'p1;2',
    },
  ],
  notes: [
    // the script's own fetch of POST /channels/p1/play/m2?media=...&media=... (playback, media issue)
    { match: /^repeated media ->/, why: 'playback (media)' },
  ],
};

test('conformance s6: parameter binding', { timeout: 90_000 }, async () => {
  await runConformance({ name: 's6', script: 's6.mjs', exclude: EXCLUDE, timeoutMs: 45_000 });
});
