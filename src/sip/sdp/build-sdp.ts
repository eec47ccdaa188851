/**
 * Our SDP, in the exact layout Asterisk 22 writes (sip-reference §6):
 *
 *   v=0
 *   o=- 1731395253 1731395253 IN IP4 127.0.0.1
 *   s=Asterisk
 *   c=IN IP4 127.0.0.1
 *   t=0 0
 *   m=audio 31970 RTP/AVP 0 101
 *   a=rtpmap:0 PCMU/8000
 *   a=rtpmap:101 telephone-event/8000
 *   a=fmtp:101 0-16
 *   a=ptime:20
 *   a=maxptime:140
 *   a=sendrecv
 *
 * Written by hand rather than with sdp-transform's writer: that writer formats sess-version as a JavaScript
 * number, which rounds the values above 2^53 that peers send and we must echo + 2.
 */
import { isIP } from 'node:net';
import type { MediaDirection, OtherMedia } from './remote-sdp.js';
import { CODECS, type NegotiatedCodec } from './negotiate.js';

export interface BuildSdpOptions {
  /** `sdp_owner` (-) and `sdp_session` (Asterisk). */
  readonly owner: string;
  readonly sessionName: string;
  /** o= sess-id and sess-version, decimal strings (see SdpSessionVersion). */
  readonly sessionId: string;
  readonly sessionVersion: string;
  /** The media address, written in o= and c=. */
  readonly address: string;
  readonly audioPort: number;
  /** In preference order; an offer uses the static payload types, an answer the offerer's. */
  readonly codecs: readonly NegotiatedCodec[];
  readonly telephoneEventPt?: number;
  readonly direction: MediaDirection;
  /** Answer only: the offer's other m-lines, repeated in place with port 0 (RFC 3264 §6). */
  readonly rejected?: readonly OtherMedia[];
  /** G.711 framing Asterisk announces: 20 and 140 ms. */
  readonly ptimeMs?: number;
  readonly maxptimeMs?: number;
}

const CRLF = '\r\n';

export function buildSdp(opts: BuildSdpOptions): string {
  const ip = isIP(opts.address) === 6 ? 'IP6' : 'IP4';
  const pts = opts.codecs.map((c) => c.pt);
  if (opts.telephoneEventPt !== undefined) pts.push(opts.telephoneEventPt);
  const audio = [`m=audio ${opts.audioPort} RTP/AVP ${pts.join(' ')}`];
  for (const c of opts.codecs) audio.push(`a=rtpmap:${c.pt} ${CODECS[c.name].encoding}/${CODECS[c.name].clockRate}`);
  if (opts.telephoneEventPt !== undefined) {
    audio.push(`a=rtpmap:${opts.telephoneEventPt} telephone-event/8000`, `a=fmtp:${opts.telephoneEventPt} 0-16`);
  }
  audio.push(`a=ptime:${opts.ptimeMs ?? 20}`, `a=maxptime:${opts.maxptimeMs ?? 140}`, `a=${opts.direction}`);

  // The audio line takes the first place the rejected lines leave free.
  const rejected = [...(opts.rejected ?? [])].sort((a, b) => a.index - b.index);
  const taken = new Set(rejected.map((r) => r.index));
  let audioIndex = 0;
  while (taken.has(audioIndex)) audioIndex++;
  const media = rejected.map((r) => ({ index: r.index, lines: [`m=${r.type} 0 ${r.protocol} ${r.formats}`] }));
  media.push({ index: audioIndex, lines: audio });
  media.sort((a, b) => a.index - b.index);

  const lines = [
    'v=0',
    `o=${opts.owner} ${opts.sessionId} ${opts.sessionVersion} IN ${ip} ${opts.address}`,
    `s=${opts.sessionName}`,
    `c=IN ${ip} ${opts.address}`,
    't=0 0',
    ...media.flatMap((m) => m.lines),
  ];
  return lines.join(CRLF) + CRLF;
}
