// Shared pieces of the music-on-hold plane tests: class folders of real sound files (raw signed-linear .sln and
// .sln16 written sample by sample, so what a channel sends can be compared exactly), a device edge that keeps every
// frame it is asked to send, and a channel driven tick by tick without the media clock.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MohClassConfig, MohSort } from '../../../src/config/media-config.js';
import type { MediaEvent } from '../../../src/core/media/media-protocol.js';
import { MediaEngine } from '../../../src/plane/engine.js';
import { MediaChannel } from '../../../src/plane/media-channel.js';
import { installMoh, type MohFeature, type MohOptions } from '../../../src/plane/moh/index.js';
import type { MediaEdge } from '../../../src/plane/pipeline.js';
import { StatsBlock } from '../../../src/plane/stats-block.js';
import { BUILTIN_INDICATIONS } from '../../../src/media/tones/builtin-tone-zones.js';

export const FRAME = 160;

/** A temporary folder, removed by the caller. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'moh-test-'));
}

/** Samples whose values say where they come from: file `tag`, sample i → tag * 1000 + i % 1000 (exact after copy). */
export function marked(tag: number, length: number): Int16Array {
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) out[i] = tag * 1000 + (i % 1000);
  return out;
}

/** Write samples as a raw signed-linear little-endian file (`.sln` at 8 kHz, `.sln16` at 16 kHz). */
export function writeRaw(path: string, samples: Int16Array): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
}

export function mohClass(name: string, directory: string, extra: Partial<MohClassConfig> = {}): MohClassConfig {
  const sort: MohSort = 'alpha';
  return {
    name,
    mode: 'files',
    directory,
    entries: [],
    sort,
    loopLast: false,
    announcement: '',
    answeredOnly: false,
    ...extra,
  };
}

/** A device that records what it is sent. */
export class CaptureEdge implements MediaEdge {
  readonly frames: Int16Array[] = [];
  constructor(readonly rate: 8000 | 16000 = 8000) {}
  write(samples: Int16Array): void {
    this.frames.push(Int16Array.from(samples));
  }
  close(): void {}
}

/** A media engine with the moh feature, and channels it does not clock: tests call `tick()` themselves. */
export class MohBench {
  readonly events: Array<{ id: number; event: MediaEvent }> = [];
  readonly engine: MediaEngine;
  readonly feature: MohFeature;
  #nextId = 1;

  constructor(classes: readonly MohClassConfig[], options: MohOptions & { soundsDir?: string } = {}) {
    this.engine = new MediaEngine(
      (message) => {
        if ('event' in message) this.events.push({ id: message.id, event: message.event });
      },
      { workerIndex: 0, workerCount: 1, stats: new StatsBlock() },
    );
    this.feature = installMoh(
      this.engine,
      {
        soundsDir: options.soundsDir ?? '/nonexistent',
        recordingsDir: '/nonexistent',
        mohClasses: classes,
        indications: BUILTIN_INDICATIONS,
      },
      options,
    );
  }

  channel(rate: 8000 | 16000 = 8000): { channel: MediaChannel; edge: CaptureEdge } {
    const channel = new MediaChannel(this.#nextId++, { setClocked: () => {}, sourceEnded: () => {} });
    const edge = new CaptureEdge(rate);
    channel.edge = edge;
    return { channel, edge };
  }

  command(channel: MediaChannel, cmd: Parameters<MohFeature['command']>[1]): void {
    assertHandled(this.feature.command(channel, cmd));
  }

  start(channel: MediaChannel, mohClass?: string, isAnswered = true): void {
    this.command(channel, { op: 'moh-start', ...(mohClass !== undefined && { mohClass }), language: 'en', isAnswered });
  }

  close(): void {
    this.engine.shutdown();
  }
}

function assertHandled(handled: boolean): void {
  if (!handled) throw new Error('the moh feature did not take its own command');
}

/** Tick until the channel sends a frame that is not all zeros (its file has loaded); returns the ticks spent. */
export async function untilSound(channel: MediaChannel, edge: CaptureEdge, maxTicks = 200): Promise<number> {
  for (let i = 0; i < maxTicks; i++) {
    const before = edge.frames.length;
    channel.tick();
    const last = edge.frames[edge.frames.length - 1];
    if (edge.frames.length > before && last !== undefined && last.some((s) => s !== 0)) return i;
    if (edge.frames.length > before) edge.frames.pop(); // silence sent while the file loaded: not the music
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error('no sound after loading');
}

/** Let pending file loads finish. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 1));
}
