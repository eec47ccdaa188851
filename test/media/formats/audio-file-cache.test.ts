import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AudioFileCache } from '../../../src/media/formats/audio-file-cache.js';
import { loadAudioFile } from '../../../src/media/formats/load-audio-file.js';
import { tempDir } from './audio-helpers.js';

/** A raw sln file of `samples` samples of value `value`. */
function slnFile(path: string, samples: number, value: number): void {
  writeFileSync(path, Buffer.from(new Int16Array(samples).fill(value).buffer));
}

function countingLoader() {
  const counter = { loads: 0 };
  const load = (path: string, format: string) => {
    counter.loads++;
    return loadAudioFile(path, format);
  };
  return { counter, load };
}

test('1000 channels asking for one prompt at once load it once and share its samples', async () => {
  const { dir, cleanup } = tempDir('cache-');
  try {
    const path = join(dir, 'prompt.sln');
    slnFile(path, 8000, 7);
    const { counter, load } = countingLoader();
    const cache = new AudioFileCache({ load });
    const results = await Promise.all(Array.from({ length: 1000 }, () => cache.get(path, 'sln')));
    assert.equal(counter.loads, 1);
    const first = results[0]!;
    assert.ok(!('error' in first));
    for (const r of results) assert.ok(!('error' in r) && r.samples === first.samples);
    assert.equal(cache.stats().bytes, 16000);
    assert.equal(cache.stats().entries, 1);
  } finally {
    cleanup();
  }
});

test('a file changed on disk (mtime or size) is read again and its old version dropped', async () => {
  const { dir, cleanup } = tempDir('cache-');
  try {
    const path = join(dir, 'p.sln');
    slnFile(path, 100, 1);
    const { counter, load } = countingLoader();
    const cache = new AudioFileCache({ load });
    const a = await cache.get(path, 'sln');
    slnFile(path, 100, 2);
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const b = await cache.get(path, 'sln');
    assert.ok(!('error' in a) && !('error' in b));
    assert.equal(a.samples[0], 1);
    assert.equal(b.samples[0], 2);
    assert.equal(counter.loads, 2);
    assert.equal(cache.stats().entries, 1);
    assert.equal(cache.stats().bytes, 200);
  } finally {
    cleanup();
  }
});

test('the cache keeps the most recently used files within its byte budget', async () => {
  const { dir, cleanup } = tempDir('cache-');
  try {
    for (const n of ['a', 'b', 'c']) slnFile(join(dir, `${n}.sln`), 500, 1); // 1000 bytes decoded each
    const { counter, load } = countingLoader();
    const cache = new AudioFileCache({ maxBytes: 2500, load });
    await cache.get(join(dir, 'a.sln'), 'sln');
    await cache.get(join(dir, 'b.sln'), 'sln');
    await cache.get(join(dir, 'a.sln'), 'sln'); // a is now the most recent
    await cache.get(join(dir, 'c.sln'), 'sln'); // evicts b
    assert.deepEqual(cache.stats(), { entries: 2, bytes: 2000, hits: 1, misses: 3, evictions: 1 });
    await cache.get(join(dir, 'a.sln'), 'sln');
    assert.equal(counter.loads, 3);
    await cache.get(join(dir, 'b.sln'), 'sln');
    assert.equal(counter.loads, 4);
  } finally {
    cleanup();
  }
});

test('a file larger than the whole budget is returned but not kept; errors are not kept', async () => {
  const { dir, cleanup } = tempDir('cache-');
  try {
    slnFile(join(dir, 'big.sln'), 2000, 3);
    const cache = new AudioFileCache({ maxBytes: 1000 });
    const big = await cache.get(join(dir, 'big.sln'), 'sln');
    assert.ok(!('error' in big) && big.samples.length === 2000);
    assert.equal(cache.stats().entries, 0);

    const missing = join(dir, 'later.sln');
    assert.ok('error' in (await cache.get(missing, 'sln')));
    slnFile(missing, 10, 4);
    const later = await cache.get(missing, 'sln');
    assert.ok(!('error' in later) && later.samples[0] === 4);
  } finally {
    cleanup();
  }
});

test('invalidate drops a cached file', async () => {
  const { dir, cleanup } = tempDir('cache-');
  try {
    const path = join(dir, 'p.sln');
    slnFile(path, 10, 1);
    const { counter, load } = countingLoader();
    const cache = new AudioFileCache({ load });
    await cache.get(path, 'sln');
    cache.invalidate(path);
    assert.equal(cache.stats().entries, 0);
    await cache.get(path, 'sln');
    assert.equal(counter.loads, 2);
  } finally {
    cleanup();
  }
});
