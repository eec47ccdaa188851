/**
 * The server a media benchmark measures. With --target it is used as it is (the prompt must exist there, the
 * dialplan must send --exten to Stasis(--app)). Without, a fresh Switchyard gets: `[bench]` sending the
 * extension into the app, an asterisk.conf whose astdatadir holds the generated prompt (sounds/en/<name>.wav)
 * and whose astspooldir (recordings) is a temp folder, and --media-workers / --media-placement / --media-scheduling when asked for.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MediaArgs } from './media-step.js';
import { note } from './stats.js';
import { openTarget, type Target, type TargetArgs } from './target.js';

const DEBIAN_SOUNDS = '/usr/share/asterisk/sounds/en';
const RATE = 8000;

/** The prompt our own server plays: sound:bench-prompt-30s (sounds/en/bench-prompt-30s.wav). */
export const PROMPT_NAME = 'bench-prompt-30s';

/**
 * `seconds` of 8 kHz 16-bit mono speech: Debian's sounds concatenated with sox (padded with silence and cut to
 * the length), or, without sox or the sounds, a synthetic warble so that the benchmark still runs.
 */
export function writePrompt(path: string, seconds: number): string {
  const files = existsSync(DEBIAN_SOUNDS)
    ? readdirSync(DEBIAN_SOUNDS)
        .filter((f) => f.endsWith('.wav'))
        .sort()
        .slice(0, 60)
        .map((f) => join(DEBIAN_SOUNDS, f))
    : [];
  if (files.length > 0) {
    const args = [...files, '-r', String(RATE), '-c', '1', '-b', '16', path, 'pad', '0', String(seconds), 'trim', '0', String(seconds)]; // prettier-ignore
    const r = spawnSync('sox', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status === 0) return 'Debian sounds (sox)';
    note(`sox failed (${r.error?.message ?? r.stderr?.toString().trim()}); writing a synthetic prompt`);
  }
  const samples = seconds * RATE;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(RATE, 24);
  wav.writeUInt32LE(RATE * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(samples * 2, 40);
  for (let n = 0; n < samples; n++) {
    const f = 400 + 200 * Math.sin((2 * Math.PI * n) / RATE);
    wav.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * f * n) / RATE)), 44 + n * 2);
  }
  writeFileSync(path, wav);
  return 'synthetic';
}

export interface MediaTarget {
  readonly target: Target;
  /** Our own server's folders (undefined for --target). */
  readonly dataDir: string | undefined;
  close(): Promise<void>;
}

export async function openMediaTarget(
  args: TargetArgs & MediaArgs,
  opts: { promptSeconds?: number; files?: Record<string, string> } = {},
): Promise<MediaTarget> {
  if (args.target !== undefined) {
    const target = await openTarget(args);
    return { target, dataDir: undefined, close: () => target.close() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-media-'));
  mkdirSync(join(dir, 'sounds', 'en'), { recursive: true });
  mkdirSync(join(dir, 'spool'), { recursive: true });
  if (opts.promptSeconds !== undefined) {
    const source = writePrompt(join(dir, 'sounds', 'en', `${PROMPT_NAME}.wav`), opts.promptSeconds);
    note(`prompt sound:${PROMPT_NAME}: ${opts.promptSeconds} s from ${source}`);
  }
  const media = args['media-workers'];
  const placement = args['media-placement'];
  const scheduling = args['media-scheduling'];
  try {
    const target = await openTarget(args, {
      dialplan: `exten => ${args.exten},1,Stasis(${args.app})\n same => n,Hangup()`,
      files: {
        ...opts.files,
        'asterisk.conf': `[directories]\nastdatadir = ${dir}\nastspooldir = ${join(dir, 'spool')}\n`,
      },
      serverArgs: [
        ...(media === undefined ? [] : ['--media-workers', media]),
        ...(placement === undefined ? [] : ['--media-placement', placement]),
        ...(scheduling === undefined ? [] : ['--media-scheduling', scheduling]),
      ],
    });
    return {
      target,
      dataDir: dir,
      close: async () => {
        await target.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
