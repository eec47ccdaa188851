/**
 * Reloads that apply to the media plane and to RTP while calls go on:
 *
 * - `res_musiconhold.so`: musiconhold.conf is read again and its classes replace the running ones in every media
 *   worker. New music starts use the new classes. A channel already playing music keeps the class it started
 *   with until its music stops, also when the file no longer has that class (Asterisk 22 unlinks a removed
 *   class and each listener keeps its reference). A file that is missing or cannot be parsed keeps the running
 *   classes (res_musiconhold.c load_moh_classes).
 * - `indications`: indications.conf's tone zones replace the running ones; a tone already playing goes on. A
 *   missing or unparsable file keeps them (indications.c reload).
 * - `res_rtp_asterisk.so`: rtp.conf's port range and options apply to the next RTP session (PJSIP and
 *   UnicastRTP channels read the shared settings object when they open media); sessions already open keep
 *   their ports. A missing or unparsable file changes nothing (res_rtp_asterisk.c rtp_reload).
 */
import type { ConfError } from '../config/conf-types.js';
import { loadConfig } from '../config/load-config.js';
import type { RtpConfig } from '../config/pjsip-types.js';
import { parseRtpConfig } from '../config/rtp-config.js';
import type { MediaPlane } from '../core/media/media-plane.js';
import { readForReload } from './conf-validity.js';
import type { PjsipReloadLogger } from './pjsip-reload.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function logErrors(log: PjsipReloadLogger, errors: readonly ConfError[], file: string): void {
  for (const e of errors) if (e.file === file) log.warn({ file: e.file, line: e.line }, e.message);
}

/** Whether `file` can be applied; when not, why is logged and the caller keeps its settings. */
function usable(log: PjsipReloadLogger, dir: string, file: string, what: string): boolean {
  const read = readForReload(dir, file);
  if (read.kind === 'ok') return true;
  logErrors(log, read.errors, file);
  log.error({ file }, `${read.reason}; the running ${what} are kept`);
  return false;
}

/** res_musiconhold.so: the plane takes the classes of musiconhold.conf. */
export function mohReloader(plane: () => MediaPlane, dir: string, log: PjsipReloadLogger): () => void {
  return () => {
    if (!usable(log, dir, 'musiconhold.conf', 'music on hold classes')) return;
    const config = loadConfig(dir);
    logErrors(log, config.errors, 'musiconhold.conf');
    const { mohClasses } = config.media;
    plane().reconfigure?.({ mohClasses });
    log.info({ classes: mohClasses.map((c) => c.name) }, 'res_musiconhold reloaded musiconhold.conf');
  };
}

/** indications: the plane takes the tone zones of indications.conf (built-in zones when it defines none). */
export function indicationsReloader(plane: () => MediaPlane, dir: string, log: PjsipReloadLogger): () => void {
  return () => {
    if (!usable(log, dir, 'indications.conf', 'tone zones')) return;
    const config = loadConfig(dir);
    logErrors(log, config.errors, 'indications.conf');
    plane().reconfigure?.({ indications: config.media.indications });
    log.info({ file: 'indications.conf' }, 'indications reloaded');
  };
}

/** res_rtp_asterisk.so: `live` is the RtpConfig object the channel drivers were given; its fields are replaced. */
export function rtpReloader(live: RtpConfig, dir: string, log: PjsipReloadLogger): () => void {
  return () => {
    const read = readForReload(dir, 'rtp.conf');
    if (read.kind !== 'ok') {
      logErrors(log, read.errors, 'rtp.conf');
      log.error({ file: 'rtp.conf' }, `${read.reason}; the running RTP settings are kept`);
      return;
    }
    const parsed = parseRtpConfig(read.conf);
    logErrors(log, parsed.errors, 'rtp.conf');
    Object.assign(live as Mutable<RtpConfig>, parsed.config);
    log.info({ rtpStart: live.rtpStart, rtpEnd: live.rtpEnd }, 'res_rtp_asterisk reloaded rtp.conf');
  };
}
