/**
 * An SDP body from the peer (RFC 4566), reduced to what an audio-only G.711 endpoint needs: the o= line for the
 * answer's session id/version, the first usable audio stream, and the other m-lines so the answer can decline them
 * in place (RFC 3264 §6: an answer has as many m-lines as the offer, in the same order). sdp-transform does the
 * line parsing; this module checks the result, since sdp-transform skips lines it does not understand.
 */
import { isIP } from 'node:net';
import { parse, type ParsedConnection, type ParsedMedia } from 'sdp-transform';

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface RemotePayload {
  readonly pt: number;
  /** Encoding name in lower case (`pcmu`, `pcma`, `telephone-event`), '' for an unknown dynamic type. */
  readonly encoding: string;
  /** Clock rate in Hz, 0 when unknown. */
  readonly clockRate: number;
  readonly fmtp?: string;
}

export interface RemoteAudio {
  /** Position of this m-line among all m-lines of the body. */
  readonly index: number;
  readonly port: number;
  /** c= of the m-line, else of the session; no brackets. */
  readonly address: string;
  readonly addressFamily: 'ipv4' | 'ipv6';
  /** In m-line order (the offerer's preference). */
  readonly payloads: readonly RemotePayload[];
  /** The media-level attribute, else the session-level one, else sendrecv (RFC 4566 §6). */
  readonly direction: MediaDirection;
  readonly ptimeMs?: number;
  /** From `a=rtcp:` (RFC 3605); RTCP is on port + 1 without it. */
  readonly rtcpPort?: number;
}

/** An m-line we do not use; the answer repeats it with port 0. */
export interface OtherMedia {
  readonly index: number;
  readonly type: string;
  readonly protocol: string;
  /** The m-line's fmt list as written. */
  readonly formats: string;
}

export interface RemoteSdp {
  /** o= username, sess-id and sess-version; the numbers are kept as decimal strings (they may exceed 2^53). */
  readonly owner: string;
  readonly sessionId: string;
  readonly version: string;
  /** Session-level c= address, '' when absent. */
  readonly connectionAddress: string;
  /** The first RTP/AVP audio stream with a non-zero port. */
  readonly audio?: RemoteAudio;
  readonly otherMedia: readonly OtherMedia[];
}

export type ParseSdpResult = { ok: true; value: RemoteSdp } | { ok: false; error: string };

/** RFC 3551 Table 4 audio types that need no rtpmap. */
const STATIC_AUDIO: Record<number, readonly [string, number]> = {
  0: ['pcmu', 8000], 3: ['gsm', 8000], 4: ['g723', 8000], 5: ['dvi4', 8000], 6: ['dvi4', 16000], 7: ['lpc', 8000],
  8: ['pcma', 8000], 9: ['g722', 8000], 10: ['l16', 44100], 11: ['l16', 44100], 12: ['qcelp', 8000],
  13: ['cn', 8000], 14: ['mpa', 90000], 15: ['g728', 8000], 16: ['dvi4', 11025], 17: ['dvi4', 22050],
  18: ['g729', 8000],
}; // prettier-ignore

const DIRECTIONS: readonly string[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/** Parses the peer's SDP; never throws: a body we cannot use gives `{ ok: false, error }`. */
export function parseRemoteSdp(body: string): ParseSdpResult {
  try {
    return parseChecked(body);
  } catch (e) {
    return { ok: false, error: `unparsable SDP: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function parseChecked(body: string): ParseSdpResult {
  const lines = body.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== 'v=0') return { ok: false, error: 'SDP must start with v=0' };
  const originLine = lines.find((l) => l.startsWith('o='));
  // Read o= ourselves: sdp-transform accepts empty numbers, and we keep the digits exactly.
  const o = originLine && /^o=(\S+) (\d+) (\d+) IN IP[46] (\S+)\s*$/.exec(originLine);
  if (!o) return { ok: false, error: 'missing or malformed o= line' };
  const sdp = parse(body);
  const sessionAddress = connectionOf(sdp.connection);
  if (sessionAddress === undefined) return { ok: false, error: 'malformed session c= line' };
  const sessionDirection = DIRECTIONS.includes(sdp.direction ?? '') ? (sdp.direction as MediaDirection) : undefined;

  let audio: RemoteAudio | undefined;
  const otherMedia: OtherMedia[] = [];
  for (const [index, m] of sdp.media.entries()) {
    const port = typeof m.port === 'number' ? m.port : NaN;
    const formats = m.payloads === undefined ? '' : String(m.payloads).trim();
    if (!m.type || !m.protocol || !(port >= 0 && port <= 65535) || formats === '') {
      return { ok: false, error: `malformed m= line ${index + 1}` };
    }
    const isUsable = !audio && m.type === 'audio' && m.protocol.toUpperCase() === 'RTP/AVP' && port > 0;
    if (!isUsable) {
      otherMedia.push({ index, type: m.type, protocol: m.protocol, formats });
      continue;
    }
    const a = readAudio(m, index, port, formats, sessionAddress, sessionDirection);
    if (typeof a === 'string') return { ok: false, error: a };
    audio = a;
  }
  const value = { owner: o[1]!, sessionId: o[2]!, version: o[3]!, connectionAddress: sessionAddress, otherMedia };
  return { ok: true, value: audio ? { ...value, audio } : value };
}

/** '' when there is no c= line, undefined when it is malformed. */
function connectionOf(c: ParsedConnection | undefined): string | undefined {
  if (!c) return '';
  const ip = c.ip === undefined ? '' : String(c.ip).split('/')[0]!; // drop a multicast /ttl
  return isIP(ip) === 0 ? undefined : ip;
}

function readAudio(
  m: ParsedMedia,
  index: number,
  port: number,
  formats: string,
  sessionAddress: string,
  sessionDirection: MediaDirection | undefined,
): RemoteAudio | string {
  const address = m.connection ? connectionOf(m.connection) : sessionAddress;
  if (address === undefined) return 'malformed media c= line';
  if (address === '') return 'no c= line for the audio stream';
  const payloads: RemotePayload[] = [];
  for (const f of formats.split(/\s+/)) {
    const pt = /^\d+$/.test(f) ? Number(f) : NaN;
    if (!(pt <= 127)) return `bad RTP payload type '${f}'`;
    const map = m.rtp.find((r) => Number(r.payload) === pt);
    const fixed = STATIC_AUDIO[pt];
    const encoding = map ? String(map.codec ?? '').toLowerCase() : (fixed?.[0] ?? '');
    const clockRate = map ? Number(map.rate ?? 0) || 0 : (fixed?.[1] ?? 0);
    const fmtp = m.fmtp.find((x) => Number(x.payload) === pt)?.config;
    payloads.push(fmtp === undefined ? { pt, encoding, clockRate } : { pt, encoding, clockRate, fmtp });
  }
  const direction = DIRECTIONS.includes(m.direction ?? '') ? (m.direction as MediaDirection) : sessionDirection;
  const ptimeMs = Number(m.ptime);
  const rtcpPort = Number(m.rtcp?.port);
  return {
    index,
    port,
    address,
    addressFamily: isIP(address) === 6 ? 'ipv6' : 'ipv4',
    payloads,
    direction: direction ?? 'sendrecv',
    ...(ptimeMs > 0 ? { ptimeMs } : {}),
    ...(rtcpPort > 0 && rtcpPort <= 65535 ? { rtcpPort } : {}),
  };
}
