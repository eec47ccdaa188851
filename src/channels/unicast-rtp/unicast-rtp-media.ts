/**
 * A UnicastRTP channel's RTP, opened as chan_rtp does in its requester: the destination resolved (a literal as
 * is, else DNS queries, IPv6 preferred; /etc/hosts is not read, so `localhost` fails as it does on Asterisk),
 * the local address the OS routes toward it (`ast_ouraddrfor`: a UDP socket connected to the destination, then
 * its name), and an RTP socket bound there on an even port of the rtp.conf range.
 *
 * The stream carries exactly one format, with the payload type Asterisk's static table gives it (ulaw 0, alaw
 * 8, g722 9, slin 10, slin16 118); L16 is big-endian on the wire. No RTCP: chan_rtp never enables it, so no
 * report (nor a BYE at hangup) goes to the destination's port + 1.
 *
 * Beyond Asterisk, documented in the driver: the payload type of the format is accepted inbound even when it is
 * dynamic (Asterisk's receive map is empty and it drops PT 96–127, slin16 among them), and RFC 4733 DTMF
 * travels both ways on payload type 101 (Asterisk's UnicastRTP has no DTMF at all).
 */
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { RtpConfig } from '../../config/pjsip-types.js';
import type { MediaLeg, MediaPlane } from '../../core/media/media-plane.js';
import { AUDIO_CODECS, type AudioCodecName } from '../../media/codecs/audio-codecs.js';

/** The payload type of RFC 4733 events on UnicastRTP (Asterisk's static table puts telephone-event on 101). */
export const TELEPHONE_EVENT_PT = 101;

/** A resolved destination; port 0 (as written, or wrapped) means nowhere to send. */
export interface RtpDestination {
  readonly address: string;
  readonly port: number;
  readonly family: 4 | 6;
}

/** The two queries `ast_dns_resolve_ipv6_and_ipv4` makes. */
export interface AddressResolver {
  resolve6(host: string): Promise<string[]>;
  resolve4(host: string): Promise<string[]>;
}

/** resolv.conf's defaults (timeout:5, attempts:2): the request waits for DNS as Asterisk's does. */
const DNS_TIMEOUT_MS = 5000;
const DNS_TRIES = 2;
const PORT_MASK = 0xffff;
/** strtoul saturates here before the port is cut to 16 bits (htons). */
const ULONG_MAX = 2n ** 64n - 1n;
/** Any port will do to ask the OS for a route (it depends on the address): the discard port. */
const ROUTE_PROBE_PORT = 9;

/** A resolver that asks the DNS servers of resolv.conf, as Asterisk's DNS core does (no hosts file). */
export function dnsResolver(): AddressResolver {
  return new Resolver({ timeout: DNS_TIMEOUT_MS, tries: DNS_TRIES });
}

/** `getaddrinfo` with AI_NUMERICSERV: digits (none is port 0), cut to 16 bits as htons does. */
function numericPort(text: string): number {
  const n = text === '' ? 0n : BigInt(text);
  return Number((n > ULONG_MAX ? ULONG_MAX : n) & BigInt(PORT_MASK));
}

/** `atoi` of the port after a DNS answer: leading digits (with a sign), anything else is 0; cut to 16 bits. */
function atoiPort(text: string): number {
  const m = /^\s*([+-]?\d+)/.exec(text);
  return m === null ? 0 : Number(BigInt.asUintN(16, BigInt(m[1]!)));
}

/**
 * chan_rtp's resolution: a literal address with a numeric port as is (`ast_sockaddr_parse`), anything else
 * through DNS (`ast_dns_resolve_ipv6_and_ipv4`: AAAA and A asked, the first AAAA record preferred), the port
 * then read with `atoi`. Undefined when nothing answers.
 */
export async function resolveDestination(
  host: string,
  port: string,
  resolver: AddressResolver,
): Promise<RtpDestination | undefined> {
  const literal = isIP(host);
  if ((literal === 4 || literal === 6) && /^\d*$/.test(port)) {
    return { address: host, port: numericPort(port), family: literal };
  }
  if (host === '') return undefined;
  const [v6, v4] = await Promise.allSettled([resolver.resolve6(host), resolver.resolve4(host)]);
  const address6 = v6.status === 'fulfilled' ? v6.value[0] : undefined;
  const address4 = v4.status === 'fulfilled' ? v4.value[0] : undefined;
  if (address6 !== undefined) return { address: address6, port: atoiPort(port), family: 6 };
  if (address4 !== undefined) return { address: address4, port: atoiPort(port), family: 4 };
  return undefined;
}

/** `ast_ouraddrfor`: the source address the OS picks toward `to`; undefined when there is no route. */
export function localAddressFor(to: RtpDestination): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket(to.family === 6 ? 'udp6' : 'udp4');
    const finish = (address: string | undefined): void => {
      socket.close();
      resolve(address);
    };
    socket.once('error', () => finish(undefined));
    socket.connect(to.port === 0 ? ROUTE_PROBE_PORT : to.port, to.address, () => finish(socket.address().address));
  });
}

/** What the RTP of one UnicastRTP channel is opened with. */
export interface UnicastRtpMediaSpec {
  readonly localAddress: string;
  readonly destination: RtpDestination;
  readonly codec: AudioCodecName;
  readonly isSymmetric: boolean;
}

/** The RTP bound and pointed at the destination: its leg, and where it is bound. */
export interface OpenedRtp {
  readonly leg: MediaLeg;
  readonly host: string;
  readonly port: number;
}

/** Bind the RTP in the media plane and give it its destination and format; undefined when it does not bind. */
export async function openUnicastRtp(
  plane: MediaPlane,
  config: RtpConfig,
  spec: UnicastRtpMediaSpec,
  near?: MediaLeg,
): Promise<OpenedRtp | undefined> {
  const leg = plane.open(
    {
      kind: 'rtp',
      host: spec.localAddress,
      portStart: config.rtpStart,
      portEnd: config.rtpEnd,
      symmetric: spec.isSymmetric,
      strictRtp: config.strictRtp,
      probation: config.probation,
      rtcpIntervalMs: 0,
      dtmfTimeoutMs: config.dtmfTimeout,
    },
    near,
  );
  const reply = await leg.ready;
  if (!reply.ok || reply.port === undefined) {
    leg.close();
    return undefined;
  }
  const { address, port } = spec.destination;
  // RTCP port 0: no RTCP is ever sent (the session skips a target without a port), not even the BYE at close.
  // Port 0 (Asterisk takes `host:` and `host:0`): nowhere to send, packets from anyone heard while learning.
  if (port !== 0) leg.send({ op: 'rtp-remote', host: address, port, rtcpPort: 0 });
  const pt = AUDIO_CODECS[spec.codec].payloadType;
  leg.send({
    op: 'rtp-format',
    payloadType: pt,
    codec: spec.codec,
    payloadTypes: [[pt, spec.codec]],
    telephoneEventPt: TELEPHONE_EVENT_PT,
    inband: false,
  });
  return { leg, host: reply.host ?? spec.localAddress, port: reply.port };
}
