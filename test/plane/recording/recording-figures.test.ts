// The end-of-recording figures of ARI (ast_play_and_record) and Record(), frame by frame: silence runs, the
// paused-silence rule, durations rounded as Asterisk's integer arithmetic does, and what is cut off the end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SilenceLedger, appTrimMs, ariFigures } from '../../../src/plane/recording/recording-figures.js';

const FRAME = 160;
const loud = new Int16Array(FRAME).fill(1000);
const quiet = new Int16Array(FRAME);

/** Feeds `ms` of loud or quiet 20 ms frames; returns the last run reported. */
function feed(ledger: SilenceLedger, ms: number, frame: Int16Array, paused = false): number {
  let run = 0;
  for (let t = 0; t < ms; t += 20) run = ledger.process(frame, 8000, paused);
  return run;
}

test('the run of silence grows 20 ms per quiet frame and drops to 0 on sound; runs add up when they end', () => {
  const ledger = new SilenceLedger(128, 'ari');
  assert.equal(feed(ledger, 1000, loud), 0);
  assert.equal(feed(ledger, 1500, quiet), 1500);
  assert.equal(feed(ledger, 1000, loud), 0);
  assert.equal(feed(ledger, 700, quiet), 700);
  assert.equal(ledger.totalMs, 2200);
});

test('threshold 128: a frame whose mean absolute value is 127 is silent, 128 is sound', () => {
  const ledger = new SilenceLedger(128, 'ari');
  assert.equal(ledger.process(new Int16Array(FRAME).fill(127), 8000, false), 20);
  assert.equal(ledger.process(new Int16Array(FRAME).fill(-128), 8000, false), 0);
});

test('silence heard while paused does not count toward the limit once unpaused', () => {
  const ledger = new SilenceLedger(128, 'ari');
  feed(ledger, 400, loud);
  feed(ledger, 1000, quiet, true);
  // The run goes on after unpause, less the 1000 ms heard while paused.
  assert.equal(feed(ledger, 600, quiet), 600);
  // Sound resets both.
  feed(ledger, 20, loud);
  assert.equal(feed(ledger, 300, quiet), 300);
});

test('ARI figures: the final run beyond 200 ms leaves duration and the file; all silence leaves talking time', () => {
  // 6.52 s heard, ended by 2.02 s of silence after 1.5 s of silence earlier.
  const ledger = new SilenceLedger(128, 'ari');
  feed(ledger, 1500, loud);
  feed(ledger, 1500, quiet);
  feed(ledger, 1500, loud);
  feed(ledger, 2020, quiet);
  assert.deepEqual(ariFigures('silence', 52160, 8000, ledger, true), { duration: 5, talkingDuration: 3, trimMs: 1820 });
  // Stopped by the user: nothing is cut, but the figures are the same.
  assert.deepEqual(ariFigures('stop', 52160, 8000, ledger, true), { duration: 5, talkingDuration: 3, trimMs: 0 });
  // Without maxSilenceSeconds there is no ledger: whole seconds of the file.
  assert.deepEqual(ariFigures('max-duration', 52160, 8000, undefined, false), { duration: 6, trimMs: 0 });
});

test('ARI figures never go below 0, and a final run under 200 ms cuts nothing', () => {
  const ledger = new SilenceLedger(128, 'ari');
  feed(ledger, 3000, quiet);
  assert.deepEqual(ariFigures('dtmf', 8000 * 2, 8000, ledger, true), { duration: 0, talkingDuration: 0, trimMs: 2800 });
  const short = new SilenceLedger(128, 'ari');
  feed(short, 500, loud);
  feed(short, 100, quiet);
  assert.equal(ariFigures('silence', 4800, 8000, short, true).trimMs, 0);
});

test('Record() trims: silence keeps 1 s (unless u), a digit or stop loses 250 ms, a timeout nothing', () => {
  assert.equal(appTrimMs('silence', 3000, true), 2000);
  assert.equal(appTrimMs('silence', 3000, false), 0);
  assert.equal(appTrimMs('silence', 500, true), 0);
  assert.equal(appTrimMs('dtmf', 0, true), 250);
  assert.equal(appTrimMs('timeout', 0, true), 0);
  assert.equal(appTrimMs('max-duration', 0, true), 0);
  assert.equal(appTrimMs('hangup', 0, true), 0);
});
