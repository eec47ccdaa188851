/**
 * Conformance s1 (traces/s1_originate.mjs): originate Local/echo@default into app `test` with appArgs and a
 * chosen id; set/get channel variables; hang up; the full StasisStart, ChannelHangupRequest and
 * ChannelDestroyed JSON. The recording has no .jsonl: events are compared from the EV log lines, and the
 * three full events from the log lines that print them.
 */
import { test } from 'node:test';
import type { Exclusions } from './compare.js';
import { runConformance } from './replay.js';

// Nothing to exclude: no step needs media or SIP.
const EXCLUDE: Exclusions = {};

test('conformance s1: originate, variables, hangup', { timeout: 90_000 }, async () => {
  await runConformance({ name: 's1', script: 's1_originate.mjs', exclude: EXCLUDE, timeoutMs: 45_000 });
});
