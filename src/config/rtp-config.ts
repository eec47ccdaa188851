/**
 * rtp.conf → RtpConfig: the `[general]` options of Asterisk's res_rtp_asterisk that Switchyard uses. Options we
 * do not model (ICE, STUN/TURN, checksums, SRTP replay) are ignored, as Asterisk ignores unknown ones; bad values
 * are reported and keep the default.
 */
import { astTrue, parseIntInRange } from './ari-config.js';
import type { ConfEntry, ConfError, ConfFile } from './conf-types.js';
import type { RtpConfig } from './pjsip-types.js';

export interface RtpConfigResult {
  readonly config: RtpConfig;
  /** The file's parse errors followed by option errors. */
  readonly errors: readonly ConfError[];
}

/** The built-in values, used when rtp.conf is absent (the sample file sets 10000–20000). */
export const RTP_DEFAULTS: RtpConfig = {
  rtpStart: 5000,
  rtpEnd: 31000,
  rtcpInterval: 5000,
  strictRtp: true,
  probation: 4,
  dtmfTimeout: 150,
};

/** Ports below 1024 are raised to it, as Asterisk does; RTCP interval bounds in ms. */
const MIN_RTP_PORT = 1024;
const MAX_RTP_PORT = 65535;
const MIN_RTCP_MS = 500;
const MAX_RTCP_MS = 60_000;
/** dtmftimeout is written in samples at 8 kHz. */
const SAMPLES_PER_MS = 8;
const INT_MAX = 2 ** 31 - 1;

export function parseRtpConfig(file: ConfFile): RtpConfigResult {
  const errors: ConfError[] = [...file.errors];
  const err = (e: ConfEntry, message: string): void => void errors.push({ file: e.file, line: e.line, message });
  const bad = (e: ConfEntry): void => err(e, `Error parsing ${e.key}=${e.value}`);
  const c = { ...RTP_DEFAULTS };
  let portsAt: ConfEntry | undefined;
  for (const section of file.sections) {
    if (section.isTemplate || section.name !== 'general') continue;
    for (const e of section.entries) {
      const key = e.key.toLowerCase();
      if (key === 'rtpstart' || key === 'rtpend') {
        const n = parseIntInRange(e.value, 0, INT_MAX);
        if (n === undefined) bad(e);
        else {
          const port = Math.min(MAX_RTP_PORT, Math.max(MIN_RTP_PORT, n));
          if (key === 'rtpstart') c.rtpStart = port;
          else c.rtpEnd = port;
          portsAt = e;
        }
      } else if (key === 'rtcpinterval') {
        const n = parseIntInRange(e.value, 0, INT_MAX);
        if (n === undefined) bad(e);
        else c.rtcpInterval = n === 0 ? 0 : Math.min(MAX_RTCP_MS, Math.max(MIN_RTCP_MS, n)); // 0: RTCP off
      } else if (key === 'strictrtp') {
        c.strictRtp = e.value.toLowerCase() === 'seqno' || astTrue(e.value);
      } else if (key === 'probation') {
        const n = parseIntInRange(e.value, 0, INT_MAX);
        if (n === undefined) bad(e);
        else c.probation = n;
      } else if (key === 'dtmftimeout') {
        const n = parseIntInRange(e.value, 0, INT_MAX);
        if (n === undefined) bad(e);
        else c.dtmfTimeout = n / SAMPLES_PER_MS;
      }
    }
  }
  if (portsAt && c.rtpStart >= c.rtpEnd) {
    err(portsAt, `Unreasonable values for RTP start/end port (${c.rtpStart}/${c.rtpEnd}); using the defaults`);
    c.rtpStart = RTP_DEFAULTS.rtpStart;
    c.rtpEnd = RTP_DEFAULTS.rtpEnd;
  }
  return { config: c, errors };
}
