// A media worker's load sample: the thread's own CPU time (Linux schedstat, nanoseconds) over the sample period,
// and its channels, written where the core reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LOAD_SAMPLE_MS,
  newLoadBuffer,
  readLoad,
  startLoadSampler,
  threadCpuNs,
} from '../../src/plane/load-sampler.js';

test('the thread CPU clock advances by about the time spent spinning', (t) => {
  const before = threadCpuNs();
  if (before === undefined) return t.skip('no /proc/thread-self/schedstat here');
  const until = performance.now() + 60;
  while (performance.now() < until) {
    // spin
  }
  const spent = (threadCpuNs()! - before) / 1e6;
  assert.ok(spent >= 15 && spent < 1000, `spun 60 ms, the thread clock says ${spent} ms`);
});

test('a block reads undefined until the first sample, then busy in [0, 1] and the channel count', async () => {
  const buffer = newLoadBuffer();
  const view = new Float64Array(buffer);
  assert.equal(readLoad(view), undefined);
  startLoadSampler(buffer, () => 7);
  // Keep the thread busy for part of the period, so the sample is neither 0 nor 1.
  const end = performance.now() + LOAD_SAMPLE_MS * 1.5;
  while (performance.now() < end) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, LOAD_SAMPLE_MS));
  const load = readLoad(view);
  assert.ok(load !== undefined, 'sampled');
  assert.equal(load.channels, 7);
  assert.ok(load.busy >= 0 && load.busy <= 1, `busy ${load.busy}`);
});
