// The music-on-hold feature of a media engine, driven tick by tick: what a channel sends is compared sample for
// sample with the class's files (raw signed-linear files whose samples say which file and which position they are).
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ClockedSource } from '../../../src/plane/pipeline.js';
import { SilenceSource } from '../../../src/plane/moh/silence-source.js';
import { sine, toneRatio } from '../../helpers/audio.js';
import { FRAME, MohBench, marked, mohClass, settle, tempDir, untilSound, writeRaw } from './moh-fixtures.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A class folder with files A.sln, b.sln, c.sln (tags 1, 2, 3) of `frames` frames each. */
function threeFiles(frames = 3): string {
  const dir = tempDir();
  dirs.push(dir);
  writeRaw(join(dir, 'b.sln'), marked(2, frames * FRAME));
  writeRaw(join(dir, 'A.sln'), marked(1, frames * FRAME));
  writeRaw(join(dir, 'c.sln'), marked(3, frames * FRAME));
  return dir;
}

/** Which file (tag) and sample each frame began with. */
const starts = (frames: Int16Array[]): number[] => frames.map((f) => f[0]!);

test('sort=alpha plays the files in name order ignoring case, each followed by the next within the frame', async () => {
  const bench = new MohBench([mohClass('default', threeFiles(3))]);
  const { channel, edge } = bench.channel();
  bench.start(channel);
  await untilSound(channel, edge);
  await settle(); // the next file is loaded ahead
  for (let i = 0; i < 8; i++) {
    channel.tick();
    await settle();
  }
  // A (tag 1) frames at 0, 160, 320, then b (tag 2), then c: no gap, no silence between files.
  assert.deepEqual(starts(edge.frames), [1000, 1160, 1320, 2000, 2160, 2320, 3000, 3160, 3320]);
  channel.tick();
  assert.equal(edge.frames[9]![0], 1000, 'after the last file the first comes again');
  assert.deepEqual(
    bench.events.map((e) => e.event),
    [{ ev: 'moh-started', mohClass: 'default' }],
  );
  bench.close();
});

test('a file that ends mid-frame is followed by the next one in the same frame', async () => {
  const dir = tempDir();
  dirs.push(dir);
  writeRaw(join(dir, 'a.sln'), marked(1, 250));
  writeRaw(join(dir, 'b.sln'), marked(2, 480));
  const bench = new MohBench([mohClass('default', dir)]);
  const { channel, edge } = bench.channel();
  bench.start(channel);
  await untilSound(channel, edge);
  await settle();
  channel.tick();
  const second = edge.frames[1]!;
  assert.equal(second[89], 1249, 'the last sample of a');
  assert.equal(second[90], 2000, 'then the first of b');
  assert.equal(second[159], 2069);
  bench.close();
});

test('music stopped and started again on a channel resumes where it was; another channel starts afresh', async () => {
  const bench = new MohBench([mohClass('default', threeFiles(4))]);
  const { channel, edge } = bench.channel();
  bench.start(channel);
  await untilSound(channel, edge);
  channel.tick();
  bench.command(channel, { op: 'moh-stop' });
  channel.tick();
  assert.equal(edge.frames.length, 2, 'nothing is sent once the music stopped');
  bench.start(channel);
  await untilSound(channel, edge);
  assert.equal(edge.frames[2]![0], 1320, 'the third frame of the first file, not its start');

  const other = bench.channel();
  bench.start(other.channel);
  await untilSound(other.channel, other.edge);
  assert.equal(other.edge.frames[0]![0], 1000);
  bench.close();
});

test('starting the class already playing changes nothing; another class starts from its beginning', async () => {
  const first = threeFiles(4);
  const second = tempDir();
  dirs.push(second);
  writeRaw(join(second, 'x.sln'), marked(7, 4 * FRAME));
  const bench = new MohBench([mohClass('default', first), mohClass('Jazz', second)]);
  const { channel, edge } = bench.channel();
  bench.start(channel);
  await untilSound(channel, edge);
  const source = channel.source('generator');
  bench.start(channel, 'DEFAULT');
  assert.equal(channel.source('generator'), source, 'the same generator goes on');
  channel.tick();
  assert.equal(edge.frames[1]![0], 1160);
  bench.start(channel, 'jazz');
  await untilSound(channel, edge);
  assert.equal(edge.frames[2]![0], 7000);
  bench.start(channel, 'default');
  await untilSound(channel, edge);
  assert.equal(edge.frames[3]![0], 1000, 'a class change forgets the old position');
  assert.deepEqual(
    bench.events.map((e) => e.event),
    ['default', 'default', 'Jazz', 'default'].map((mohClass) => ({ ev: 'moh-started', mohClass })),
  );
  bench.close();
});

test('an unknown class plays default; without default, or unanswered for answeredonly, nothing starts', async () => {
  const bench = new MohBench([
    mohClass('default', threeFiles()),
    mohClass('quiet', threeFiles(), { answeredOnly: true }),
  ]);
  const { channel, edge } = bench.channel();
  bench.start(channel, 'nonesuch');
  await untilSound(channel, edge);
  assert.equal(edge.frames[0]![0], 1000);
  bench.command(channel, { op: 'moh-stop' });
  bench.start(channel, 'quiet', false);
  assert.equal(channel.source('generator'), undefined);
  bench.close();

  const none = new MohBench([mohClass('jazz', threeFiles())]);
  const alone = none.channel();
  none.start(alone.channel, 'blues');
  assert.equal(alone.channel.source('generator'), undefined);
  assert.deepEqual(
    none.events.map((e) => e.event),
    [{ ev: 'moh-failed' }],
  );
  none.close();
  assert.deepEqual(
    bench.events.map((e) => e.event.ev),
    ['moh-started', 'moh-failed'],
  );
});

test('silence: zero frames; music replaces it, silence-stop leaves music alone, silence replaces music', async () => {
  const bench = new MohBench([mohClass('default', threeFiles(5))]);
  const { channel, edge } = bench.channel();
  bench.command(channel, { op: 'silence-start' });
  channel.tick();
  channel.tick();
  assert.equal(edge.frames.length, 2);
  assert.ok(edge.frames.every((f) => f.length === FRAME && f.every((s) => s === 0)));
  bench.start(channel);
  assert.ok(!(channel.source('generator') instanceof SilenceSource), 'music took the generator slot');
  await untilSound(channel, edge);
  bench.command(channel, { op: 'silence-stop' });
  channel.tick();
  assert.equal(edge.frames[3]![0], 1160, 'stopping silence did not stop the music');
  bench.command(channel, { op: 'silence-start' });
  const silence = channel.source('generator');
  assert.ok(silence instanceof SilenceSource);
  bench.command(channel, { op: 'silence-start' });
  assert.notEqual(channel.source('generator'), silence, 'a fresh silence generator each time');
  channel.tick();
  assert.ok(edge.frames[4]!.every((s) => s === 0));
  bench.command(channel, { op: 'moh-stop' });
  assert.equal(channel.source('generator'), undefined, 'stopping music stops whatever generator runs');
  bench.command(channel, { op: 'silence-start' });
  bench.command(channel, { op: 'silence-stop' });
  assert.equal(channel.source('generator'), undefined);
  bench.close();
});

test('a stream (playback) ends music and silence for good: neither comes back when it ends', async () => {
  const bench = new MohBench([mohClass('default', threeFiles())]);
  const { channel, edge } = bench.channel();
  bench.start(channel);
  await untilSound(channel, edge);
  let left = 2;
  const stream: ClockedSource = {
    fill: (out) => {
      out.fill(5);
      return left-- > 0;
    },
    release: () => {},
  };
  channel.setSource('stream', stream);
  assert.equal(channel.source('generator'), undefined);
  for (let i = 0; i < 4; i++) channel.tick();
  assert.deepEqual(starts(edge.frames), [1000, 5, 5], 'two stream frames, then nothing');
  bench.command(channel, { op: 'silence-start' });
  channel.setSource('stream', { fill: () => false, release: () => {} });
  channel.tick();
  channel.tick();
  assert.equal(edge.frames.length, 3, 'silence was ended by the stream');
  bench.close();
});

test('random order: a random first file, then a random one after each (injected random numbers)', async () => {
  const picks = [0.9, 0.1, 0.5, 0.95];
  const bench = new MohBench([mohClass('default', threeFiles(1), { sort: 'random' })], {
    random: () => picks.shift() ?? 0,
  });
  const { channel, edge } = bench.channel();
  bench.start(channel);
  await untilSound(channel, edge);
  for (let i = 0; i < 2; i++) {
    await settle();
    channel.tick();
  }
  // Fresh position at 0.9 → file 2; not file 0, so the first open picks again: 0.1 → file 0; then 0.5 → 1, 0.95 → 2
  // (in the folder's own order: random classes are not sorted).
  const tagOf: Record<string, number> = { A: 1000, b: 2000, c: 3000 };
  const files = bench.feature.library.find('default')!.files.map((f) => tagOf[f.slice(-1)]!);
  assert.deepEqual(starts(edge.frames), [files[0], files[1], files[2]]);
  bench.close();
});

test('loop_last: after the last file it plays again, not the first', async () => {
  const bench = new MohBench([mohClass('default', threeFiles(1), { loopLast: true })]);
  const { channel, edge } = bench.channel();
  bench.start(channel);
  await untilSound(channel, edge);
  for (let i = 0; i < 4; i++) {
    await settle();
    channel.tick();
  }
  assert.deepEqual(starts(edge.frames), [1000, 2000, 3000, 3000, 3000]);
  bench.close();
});

test('announcement: the sound plays before each file, and again before a resumed one', async () => {
  const sounds = tempDir();
  dirs.push(sounds);
  writeRaw(join(sounds, 'en', 'hello.sln'), marked(9, FRAME));
  const bench = new MohBench([mohClass('default', threeFiles(2), { announcement: 'hello' })], { soundsDir: sounds });
  const { channel, edge } = bench.channel();
  bench.start(channel);
  await untilSound(channel, edge);
  for (let i = 0; i < 4; i++) {
    await settle();
    channel.tick();
  }
  assert.deepEqual(starts(edge.frames), [9000, 1000, 1160, 9000, 2000]);
  bench.command(channel, { op: 'moh-stop' });
  bench.start(channel);
  await untilSound(channel, edge);
  await settle();
  channel.tick();
  assert.deepEqual(starts(edge.frames.slice(5)), [9000, 2160], 'announcement, then the file where it stopped');
  bench.close();
});

test('a 16 kHz file on an 8 kHz channel is resampled: its tone keeps its pitch', async () => {
  const dir = tempDir();
  dirs.push(dir);
  writeRaw(join(dir, 'wide.sln16'), sine(700, 16000, 8000, 16000));
  const bench = new MohBench([mohClass('default', dir)]);
  const { channel, edge } = bench.channel();
  bench.start(channel);
  await untilSound(channel, edge);
  for (let i = 0; i < 20; i++) channel.tick();
  const heard = new Int16Array(edge.frames.slice(2).flatMap((f) => Array.from(f)));
  assert.equal(edge.frames[0]!.length, FRAME);
  assert.ok(toneRatio(heard, 700) > 0.95, `700 Hz share ${toneRatio(heard, 700).toFixed(3)}`);
  bench.close();
});

test('a class none of whose files can be read ends its music: the generator is gone', async () => {
  const dir = tempDir();
  dirs.push(dir);
  writeFileSync(join(dir, 'song.mp3'), 'ID3');
  writeFileSync(join(dir, 'other.ogg'), 'OggS');
  const bench = new MohBench([mohClass('default', dir)]);
  const { channel } = bench.channel();
  bench.start(channel);
  for (let i = 0; i < 50 && channel.source('generator') !== undefined; i++) {
    channel.tick();
    await settle();
  }
  assert.equal(channel.source('generator'), undefined);
  bench.close();
});

test('a closed channel forgets its position', async () => {
  const bench = new MohBench([mohClass('default', threeFiles(4))]);
  const { channel, edge } = bench.channel();
  bench.start(channel);
  await untilSound(channel, edge);
  channel.tick();
  bench.feature.closed(channel);
  bench.command(channel, { op: 'moh-stop' });
  bench.start(channel);
  await untilSound(channel, edge);
  assert.equal(edge.frames[2]![0], 1000);
  bench.close();
});
