import type { DialplanApplication } from './app.js';
import { answer, busy, congestion, echo, hangup, noOp, progress, ringing, set, wait } from './basic.js';
import { dial } from './dial.js';
import { goto, gotoIf } from './goto.js';
import { musicOnHold, startMusicOnHoldApp, stopMusicOnHoldApp } from './moh.js';
import { playback } from './playback.js';
import { record } from './record.js';
import { stasis } from './stasis.js';

/** The dialplan applications Switchyard has, by lower-case name (Asterisk matches them case-insensitively). */
export const APPLICATIONS: Readonly<Record<string, DialplanApplication>> = {
  answer,
  hangup,
  noop: noOp,
  verbose: noOp,
  wait,
  set,
  ringing,
  progress,
  busy,
  congestion,
  echo,
  goto,
  gotoif: gotoIf,
  stasis,
  dial,
  record,
  musiconhold: musicOnHold,
  startmusiconhold: startMusicOnHoldApp,
  stopmusiconhold: stopMusicOnHoldApp,
  playback,
};
