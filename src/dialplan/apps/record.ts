/**
 * Record(filename.format[,silence[,maxduration[,options]]]) — apps/app_record.c, on the same media engine as ARI
 * recordings:
 * - the format is what follows the last `.` of the file name (or a `:`); none → RECORD_STATUS=ERROR and hangup;
 * - `%d` in the name becomes 0, 1, 2 … : the first number whose file does not exist yet;
 * - a relative name is under `<astdatadir>/sounds`, an absolute one where it says; folders are created;
 * - silence (s) ends it after that much silence (dsp.conf threshold 256), maxduration (s) after that much audio;
 * - `#` ends it (option t: `*`; x: no key; y: any key; o: `0` ends it with OPERATOR);
 * - a beep first unless option q; the channel is answered unless option n, or skipped (SKIP) with option s;
 * - option a appends; on hangup the file is deleted unless option k (Asterisk deletes by the name as written, so a
 *   `%d` name is kept); u keeps the trailing silence.
 * RECORDED_FILE is the file without extension; RECORD_STATUS is DTMF, OPERATOR, SILENCE, TIMEOUT, HANGUP,
 * SKIP or ERROR; RECORDING_INFO(duration) is the time recorded, ms (0 when it never started).
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { Channel } from '../../core/channel/channel.js';
import type { RecordingEnd } from '../../core/media/recording-protocol.js';
import { RecordingSession } from '../../core/recording/recording-session.js';
import { resolveSupportedFormat } from '../../media/formats/format-table.js';
import { DSP_SILENCE_THRESHOLD } from '../../media/dsp/silence-detector.js';
import { splitAppArgs } from '../app-args.js';
import type { AppContext, AppResult } from './app.js';

const MS_PER_S = 1000;
/** Record()'s maxduration is wall-clock time; the plane counts received audio, this catches a silent line. */
const NO_AUDIO_GRACE_MS = 5000;
const OPERATOR_KEY = '0';
const ANY_KEY = '#*0123456789abcd';

/** sscanf("%d") of a non-negative number: seconds → ms; anything else → 0 (Asterisk warns and ignores it). */
function seconds(arg: string | undefined): number {
  const m = /^\s*([+-]?\d+)/.exec(arg ?? '');
  const n = m ? Number(m[1]) : -1;
  return n >= 0 && n < 2 ** 31 ? n * MS_PER_S : 0;
}

/** The first name `%d` can take whose file does not exist yet (counting from 0). */
async function numbered(template: string, ext: string): Promise<string> {
  for (let count = 0; ; count++) {
    const name = template.replaceAll('%d', String(count));
    if (name === template || !(await exists(`${name}.${ext}`))) return name;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function finish(channel: Channel, status: string, hangup = false): AppResult {
  channel.setVariable('RECORD_STATUS', status);
  return hangup ? { hangup: true } : undefined;
}

const STATUS: Readonly<Record<RecordingEnd, string>> = {
  dtmf: 'DTMF',
  silence: 'SILENCE',
  'max-duration': 'TIMEOUT',
  timeout: 'TIMEOUT',
  hangup: 'HANGUP',
  'beep-failed': 'HANGUP',
  stop: 'DTMF',
  cancel: 'ERROR',
  error: 'ERROR',
};

export async function record({ channel, core, data }: AppContext): Promise<AppResult> {
  core.recordings.noteAppRecording(channel, 0);
  const args = splitAppArgs(data);
  const [fileArg = '', silenceArg, maxArg, optionArg = ''] = args;
  const options = args.length === 4 ? optionArg : '';
  const cut = fileArg.lastIndexOf('.') >= 0 ? fileArg.lastIndexOf('.') : fileArg.indexOf(':');
  if (fileArg === '' || cut < 0) return finish(channel, 'ERROR', true);
  const template = fileArg.slice(0, cut);
  const ext = fileArg.slice(cut + 1);
  const silenceMs = seconds(silenceArg);
  const maxDurationMs = seconds(maxArg);
  const has = (o: string): boolean => options.includes(o);

  const base = isAbsolute(template) ? template : join(core.recordings.soundsDir, template);
  const name = await numbered(base, ext);
  channel.setVariable('RECORDED_FILE', isAbsolute(template) ? name : name.slice(core.recordings.soundsDir.length + 1));

  if (channel.state !== 'Up') {
    if (has('s')) return finish(channel, 'SKIP');
    if (!has('n')) channel.answer();
  }
  if (resolveSupportedFormat(ext) === undefined) return finish(channel, 'ERROR');
  try {
    await mkdir(dirname(name), { recursive: true });
  } catch {
    return finish(channel, 'ERROR');
  }

  const terminator = has('x') ? '' : has('t') ? '*' : '#';
  let digit = '';
  const session = new RecordingSession(channel, {
    acceptDtmf: (has('y') ? ANY_KEY : terminator) + (has('o') ? OPERATOR_KEY : ''),
    onDtmf: (d) => (digit = d),
    spec: {
      path: `${name}.${ext}`,
      format: ext,
      append: has('a'),
      maxDurationMs,
      maxSilenceMs: silenceMs,
      silenceThreshold: DSP_SILENCE_THRESHOLD,
      ...(!has('q') && { beepLanguage: channel.language }),
      rules: 'app',
      reportTalking: false,
      keepOnHangup: has('k') || template.includes('%'),
      truncateSilence: !has('u'),
    },
  });
  const guard =
    maxDurationMs > 0 ? setTimeout(() => session.stop('timeout'), maxDurationMs + NO_AUDIO_GRACE_MS) : undefined;
  const result = await session.done;
  clearTimeout(guard);
  core.recordings.noteAppRecording(channel, result.heardMs ?? 0);
  if (result.end === 'dtmf' && digit === OPERATOR_KEY && has('o')) return finish(channel, 'OPERATOR');
  const isHangup = result.end === 'hangup' || result.end === 'beep-failed';
  return finish(channel, STATUS[result.end], isHangup && channel.isHangupRequested);
}
