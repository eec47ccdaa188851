// The playback feature on a real MediaChannel, ticked by hand: what reaches the edge frame by frame, and the
// `playback-ended` answers (result per kind, once per item), with the files Debian ships.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import type { MediaCommand, MediaEvent } from '../../../src/core/media/media-protocol.js';
import type { PlaybackMedia } from '../../../src/core/media/playback-protocol.js';
import { AudioFileCache } from '../../../src/media/formats/audio-file-cache.js';
import { loadAudioFile } from '../../../src/media/formats/load-audio-file.js';
import { BUILTIN_INDICATIONS } from '../../../src/media/tones/builtin-tone-zones.js';
import type { MediaEngine } from '../../../src/plane/engine.js';
import { MediaChannel, type MediaChannelHost } from '../../../src/plane/media-channel.js';
import type { ClockedSource, MediaEdge, SourceSlot } from '../../../src/plane/pipeline.js';
import { PlaybackFeature } from '../../../src/plane/playback/playback-feature.js';
import { PlaybackFiles } from '../../../src/plane/playback/playback-files.js';
import { hasSounds, SOUNDS, toneRatio } from '../../helpers/audio.js';

const skip = !hasSounds && 'Asterisk sound files not installed';

class CaptureEdge implements MediaEdge {
  readonly rate = 8000;
  readonly frames: Int16Array[] = [];
  write(samples: Int16Array): void {
    this.frames.push(samples.slice());
  }
  close(): void {}
}

/** A feature, its events, and channels whose ends are routed to it as the engine routes them. */
function rig(cache = new AudioFileCache()) {
  const events: { id: number; event: MediaEvent }[] = [];
  const engine = { emit: (id: number, event: MediaEvent) => events.push({ id, event }) } as unknown as MediaEngine;
  const settings = {
    soundsDir: SOUNDS,
    recordingsDir: '/nonexistent',
    mohClasses: [],
    indications: BUILTIN_INDICATIONS,
  };
  const feature = new PlaybackFeature(engine, settings, new PlaybackFiles(settings, cache));
  const host: MediaChannelHost = {
    setClocked: () => {},
    sourceEnded: (channel: MediaChannel, slot: SourceSlot, source: ClockedSource) =>
      feature.sourceEnded(channel, slot, source),
  };
  const channel = (id: number) => {
    const ch = new MediaChannel(id, host);
    const edge = new CaptureEdge();
    ch.edge = edge;
    return { ch, edge };
  };
  const start = (ch: MediaChannel, pb: number, media: PlaybackMedia, offsetMs = 0): void => {
    const cmd: MediaCommand = { op: 'playback-start', pb, media, language: 'en', offsetMs, skipMs: 3000 };
    assert.ok(feature.command(ch, cmd));
  };
  const control = (ch: MediaChannel, pb: number, action: 'stop' | 'pause' | 'unpause' | 'restart') =>
    feature.command(ch, { op: 'playback-control', pb, action });
  const ended = (pb: number) =>
    events.flatMap(({ event }) => (event.ev === 'playback-ended' && event.pb === pb ? [event.result] : []));
  return { feature, events, channel, start, control, ended };
}

/** Let the file loads finish (they are asynchronous: stat, read, decode). */
async function loaded(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), 'loaded in time');
}

test('a sound plays frame by frame to its end, then `done` once', { skip }, async () => {
  const r = rig();
  const { ch, edge } = r.channel(1);
  r.start(ch, 1, { kind: 'sound', name: 'hello-world' });
  await loaded(() => ch.source('stream') !== undefined);
  const file = await loadAudioFile(join(SOUNDS, 'en', 'hello-world.wav'), 'wav');
  assert.ok(!('error' in file));
  for (let i = 0; i < 100 && r.ended(1).length === 0; i++) ch.tick();
  assert.deepEqual(r.ended(1), ['done']);
  assert.equal(edge.frames.length, Math.ceil(file.samples.length / 160));
  assert.deepEqual(edge.frames[10], file.samples.slice(1600, 1760), 'the file’s samples, unchanged');
  assert.equal(ch.source('stream'), undefined);
});

test('stop ends a file `stopped` and a tone `done`; nothing is sent after', { skip }, async () => {
  const r = rig();
  const { ch, edge } = r.channel(2);
  r.start(ch, 1, { kind: 'tone', tone: 'busy', zone: 'us' });
  for (let i = 0; i < 10; i++) ch.tick();
  assert.ok(toneRatio(edge.frames[3]!, 480) + toneRatio(edge.frames[3]!, 620) > 0.9);
  r.control(ch, 1, 'stop');
  assert.deepEqual(r.ended(1), ['done']);
  r.start(ch, 2, { kind: 'sound', name: 'hello-world' });
  await loaded(() => ch.source('stream') !== undefined);
  ch.tick();
  r.control(ch, 2, 'stop');
  const sent = edge.frames.length;
  ch.tick();
  assert.equal(edge.frames.length, sent);
  assert.deepEqual(r.ended(2), ['stopped']);
});

test('a pause before the audio is loaded holds it paused; controls of another item are ignored', { skip }, async () => {
  const r = rig();
  const { ch, edge } = r.channel(3);
  r.start(ch, 7, { kind: 'sound', name: 'beep' });
  r.control(ch, 7, 'pause');
  r.control(ch, 6, 'stop'); // an older item's number: not this one
  await loaded(() => ch.source('stream') !== undefined);
  for (let i = 0; i < 5; i++) ch.tick();
  assert.equal(edge.frames.length, 0, 'paused: no frame at all');
  r.control(ch, 7, 'unpause');
  ch.tick();
  assert.equal(edge.frames.length, 1);
  assert.deepEqual(r.ended(7), []);
});

test('results without audio: missing sound `failed`, missing recording `missing`, empty say `done`, bad tone `failed`', async () => {
  const r = rig();
  const { ch, edge } = r.channel(4);
  r.start(ch, 1, { kind: 'sound', name: 'no-such-sound' });
  await loaded(() => r.ended(1).length > 0);
  r.start(ch, 2, { kind: 'recording', name: 'none' });
  await loaded(() => r.ended(2).length > 0);
  r.start(ch, 3, { kind: 'say', names: ['no/such', 'nor/this'] });
  await loaded(() => r.ended(3).length > 0);
  r.start(ch, 4, { kind: 'tone', tone: 'nonsense' });
  assert.deepEqual([r.ended(1), r.ended(2), r.ended(3), r.ended(4)], [['failed'], ['missing'], ['done'], ['failed']]);
  assert.equal(edge.frames.length, 0);
});

test('a say item: pause or restart cut it short (`interrupted`)', { skip }, async () => {
  const r = rig();
  const { ch } = r.channel(5);
  r.start(ch, 1, { kind: 'say', names: ['digits/1', 'digits/2'] });
  await loaded(() => ch.source('stream') !== undefined);
  ch.tick();
  r.control(ch, 1, 'pause');
  assert.deepEqual(r.ended(1), ['interrupted']);
});

test(
  'a source put in the stream slot by someone else ends the item `stopped`; a closed channel hears nothing',
  { skip },
  async () => {
    const r = rig();
    const { ch } = r.channel(6);
    r.start(ch, 1, { kind: 'sound', name: 'hello-world' });
    await loaded(() => ch.source('stream') !== undefined);
    ch.setSource('stream', { fill: () => true, release: () => {} });
    assert.deepEqual(r.ended(1), ['stopped']);
    const other = r.channel(7).ch;
    r.start(other, 2, { kind: 'tone', tone: 'ring' });
    r.feature.closed(other);
    other.close();
    assert.deepEqual(r.ended(2), []);
  },
);

test('a thousand channels playing one prompt decode it once', { skip }, async () => {
  let loads = 0;
  const cache = new AudioFileCache({
    load: (path, format) => {
      loads++;
      return loadAudioFile(path, format);
    },
  });
  const r = rig(cache);
  const channels = Array.from({ length: 1000 }, (_, i) => r.channel(100 + i).ch);
  channels.forEach((ch, i) => r.start(ch, i + 1, { kind: 'sound', name: 'hello-world' }));
  await loaded(() => channels.every((ch) => ch.source('stream') !== undefined));
  assert.equal(loads, 1);
});
