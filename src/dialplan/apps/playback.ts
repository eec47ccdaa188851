/**
 * Playback(filename[&filename2...][,options]) — app_playback: plays sound files on the media engine, one after
 * the other, in the channel's language, and sets PLAYBACKSTATUS.
 *
 * As Asterisk 22 does it:
 * - no argument at all: the application fails (the call ends);
 * - options are found anywhere in the second argument, case-insensitively: `skip` plays nothing on a channel
 *   that is not up (PLAYBACKSTATUS=SUCCESS), `noanswer` plays without answering; otherwise a channel that is not
 *   up is answered first (with Answer()'s wait for media);
 * - file names are split at `&` (outside double quotes), trimmed, and unquoted; a file that cannot be played is
 *   skipped and makes PLAYBACKSTATUS=FAILED, the others still play;
 * - DTMF does not interrupt; a hangup while a file plays ends the application (the call ends), with
 *   PLAYBACKSTATUS set from the files before.
 * Not done: the `say` and `mix` options (say.conf rules); they play the names as files.
 */
import { splitAppArgs } from '../app-args.js';
import { playItem } from '../../core/playback/media-player.js';
import type { AppContext, AppResult } from './app.js';
import { answer } from './basic.js';

/** ast_strsep(…, '&', AST_STRSEP_STRIP | AST_STRSEP_TRIM): `&` inside double quotes does not split. */
export function splitFileNames(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let inQuotes = false;
  for (const ch of text) {
    if (ch === '"') inQuotes = !inQuotes;
    if (ch === '&' && !inQuotes) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((name) => {
    const trimmed = name.trim();
    return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
  });
}

export async function playback(ctx: AppContext): Promise<AppResult> {
  const { channel, data } = ctx;
  if (data === '') return { hangup: true };
  const [files = '', options = ''] = splitAppArgs(data, { maxArgs: 2 });
  const lowered = options.toLowerCase();
  let failed = false;
  let hungUp = false;
  if (channel.state !== 'Up' && lowered.includes('skip')) {
    channel.setVariable('PLAYBACKSTATUS', 'SUCCESS');
    return;
  }
  if (channel.state !== 'Up' && !lowered.includes('noanswer')) await answer({ ...ctx, data: '' });
  for (const name of splitFileNames(files)) {
    const end = await playItem(channel, { kind: 'sound', name }, { language: channel.language }).ended;
    if (end.hangup) {
      hungUp = true;
      break;
    }
    if (end.result !== 'done') failed = true;
  }
  channel.setVariable('PLAYBACKSTATUS', failed ? 'FAILED' : 'SUCCESS');
  return hungUp ? { hangup: true } : undefined;
}
