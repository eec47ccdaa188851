/**
 * Conformance s5 (traces/s5_ws.mjs): the events WebSocket — no app, two sockets for one app
 * (ApplicationReplaced), multi-app + subscribeAll, subscriptions and event filters, REST over WebSocket,
 * Stasis() to an unregistered app, originate failure, dial timeout, callerId.
 */
import { test } from 'node:test';
import type { Exclusions } from './compare.js';
import { runConformance } from './replay.js';

const EXCLUDE: Exclusions = {
  events: [
    // RESTRequest r6 is GET recordings/stored: its answer lists the recordings left on disk by the media
    // scenarios (brec, sub/r1); recordings arrive with the media issue.
    { why: 'stored recordings (media)', match: (e) => e.type === 'RESTResponse' && e.proj['request_id'] === 'r6' },
  ],
  notes: [
    // the script's own print of the same r6 RESTResponse
    { match: /^RESTResponse full: .*"request_id":"r6"/, why: 'stored recordings (media)' },
  ],
};

test(
  'conformance s5: events WebSocket, applications, REST over WebSocket, originate failures',
  { timeout: 90_000 },
  async () => {
    await runConformance({ name: 's5', script: 's5_ws.mjs', exclude: EXCLUDE, timeoutMs: 60_000 });
  },
);
