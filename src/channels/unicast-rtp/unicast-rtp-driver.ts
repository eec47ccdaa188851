/**
 * UnicastRTP channels (chan_rtp.c): `UnicastRTP/<host:port>[/c(<format>)e(<engine>)gs]` sends and receives plain
 * RTP in exactly one format to and from one address. ARI externalMedia (encapsulation rtp, transport udp) dials
 * it with `c(<format>)`; ARI originate/create and Dial() in the dialplan reach it as any other technology.
 *
 * Facts this follows (Asterisk 22.10.1):
 * - Named `UnicastRTP/<destination as written>-<hex>`, where Asterisk prints the RTP instance's address; made
 *   Down at default,s,1. The request resolves the destination (DNS) and binds the socket before it returns:
 *   `UNICASTRTP_LOCAL_ADDRESS` (the address the OS routes toward the destination) and `UNICASTRTP_LOCAL_PORT`
 *   (an even port of the rtp.conf range) are set by then. A name that does not resolve (DNS only: Asterisk's
 *   resolver reads no hosts file), a format not in the format cache or an options string without its `)` fails
 *   the request. The port is cut to 16 bits, and `host:` or `host:0` make a channel that sends nothing.
 * - Without `c()` the format is the first one requested, μ-law when that is a lone `slin` (no SDP, so a static
 *   payload type is needed); with nothing requested (Dial() from a channel) μ-law here.
 * - Answered as soon as it is called; no RTCP; strict RTP as rtp.conf says (the dialed address is accepted at
 *   once, another source after `probation` packets in sequence, then locked).
 *
 * Beyond Asterisk (each a superset of what Asterisk accepts):
 * - The format's payload type is accepted inbound even when dynamic (slin16 on 118); Asterisk drops PT 96–127.
 * - RFC 4733 DTMF both ways on payload type 101: digits received become ChannelDtmfReceived, digits written to
 *   the channel (a bridge peer's) are sent as events. Asterisk's UnicastRTP neither sends nor reads digits.
 * - Option `s`: symmetric RTP, sending to the source the remote's packets come from once accepted (NAT);
 *   externalMedia sets it when the request variables hold `UNICASTRTP_SYMMETRIC` with a true value.
 * - Here the channel exists (ChannelCreated) while the destination resolves and the socket binds, and a failure
 *   then destroys it with cause 38; Asterisk's requester fails before any channel exists.
 * - Formats other than ulaw, alaw, g722, slin and slin16 fail the request (Switchyard does not code them).
 */
import type { RtpConfig } from '../../config/pjsip-types.js';
import { Cause } from '../../core/causes.js';
import type { Channel } from '../../core/channel/channel.js';
import type { Core } from '../../core/core.js';
import { KNOWN_FORMAT_NAMES } from '../../core/media/format-names.js';
import type { MediaLeg } from '../../core/media/media-plane.js';
import { completeRequestLater } from '../../core/outbound.js';
import type { ChannelDriver, ChannelRequest } from '../../core/ports.js';
import { isAudioCodec, type AudioCodecName } from '../../media/codecs/audio-codecs.js';
import { parseUnicastRtpDialString, type UnicastRtpTarget } from './unicast-rtp-dial-string.js';
import { dnsResolver, localAddressFor, openUnicastRtp, resolveDestination } from './unicast-rtp-media.js';
import { UnicastRtpTech } from './unicast-rtp-tech.js';

/** The only RTP engine here is Asterisk's own (res_rtp_asterisk), the default of `e()`. */
const RTP_ENGINE = 'asterisk';
/** Where Asterisk prints a heap address (`%p`, e.g. 0x7fbd14005900), names carry a unique number of that shape. */
const POINTER_BASE = 0x7f0000000000;
const POINTER_STRIDE = 0x40;
const POINTER_SPAN = 2 ** 32;
/** No format requested at all (Dial() without a `c()`): μ-law, the first static payload type. */
const DEFAULT_CODEC: AudioCodecName = 'ulaw';

export const UNICASTRTP_LOCAL_ADDRESS = 'UNICASTRTP_LOCAL_ADDRESS';
export const UNICASTRTP_LOCAL_PORT = 'UNICASTRTP_LOCAL_PORT';

/** The format of the channel: `c()` when given, else derived from the request's formats (chan_rtp's rule). */
function chooseCodec(
  format: string | undefined,
  formats: readonly string[] | undefined,
): AudioCodecName | { error: string } {
  let name: string;
  if (format !== undefined) name = format.toLowerCase();
  else if (formats?.length === 1 && formats[0] === 'slin') name = 'ulaw';
  else name = formats?.[0]?.toLowerCase() ?? DEFAULT_CODEC;
  if (!KNOWN_FORMAT_NAMES.has(name)) return { error: `Codec '${name}' not found` };
  if (!isAudioCodec(name)) return { error: `Codec '${name}' cannot be carried by UnicastRTP here` };
  return name;
}

export class UnicastRtpDriver implements ChannelDriver {
  readonly technology = 'UnicastRTP';
  #pointer = Math.floor(Math.random() * POINTER_SPAN);
  readonly #resolver = dnsResolver();

  constructor(
    private readonly core: Core,
    private readonly config: RtpConfig,
  ) {}

  request(resource: string, request: ChannelRequest): Channel | { error: string } {
    const parsed = parseUnicastRtpDialString(resource);
    if (!parsed.ok) return { error: parsed.error };
    const target = parsed.value;
    if (target.engine !== undefined && target.engine !== RTP_ENGINE) {
      return { error: `Could not create ${target.engine} RTP instance` };
    }
    const codec = chooseCodec(target.format, request.formats);
    if (typeof codec !== 'string') return codec;
    let settle!: (ok: boolean) => void;
    const ready = new Promise<boolean>((resolve) => (settle = resolve));
    const channel = this.core.newChannel({
      id: request.id,
      name: `UnicastRTP/${target.destination}-${this.#nextPointer()}`,
      tech: new UnicastRtpTech(ready, target.hasGlue),
      state: 'Down',
      location: { context: 'default', exten: 's', priority: 1, appName: '', appData: '' },
    });
    completeRequestLater(channel, ready);
    void this.#open(channel, target, codec, request.originator?.media).then(settle);
    return channel;
  }

  #nextPointer(): string {
    const n = this.#pointer;
    this.#pointer = (n + 1) % POINTER_SPAN;
    return `0x${(POINTER_BASE + n * POINTER_STRIDE).toString(16)}`;
  }

  /** Resolve, find the local address, bind; the variables are set once bound. False (channel gone) on failure. */
  async #open(channel: Channel, target: UnicastRtpTarget, codec: AudioCodecName, near?: MediaLeg): Promise<boolean> {
    const destination = await resolveDestination(target.host, target.port, this.#resolver);
    const localAddress = destination === undefined ? undefined : await localAddressFor(destination);
    const rtp =
      destination === undefined || localAddress === undefined || channel.isDestroyed
        ? undefined
        : await openUnicastRtp(
            this.core.media,
            this.config,
            { localAddress, destination, codec, isSymmetric: target.isSymmetric },
            near,
          );
    if (rtp === undefined || channel.isDestroyed) {
      rtp?.leg.close();
      if (!channel.isDestroyed) {
        channel.hangupCause = Cause.FAILURE;
        channel.destroy();
      }
      return false;
    }
    channel.attachMedia(rtp.leg);
    channel.setVariable(UNICASTRTP_LOCAL_ADDRESS, rtp.host);
    channel.setVariable(UNICASTRTP_LOCAL_PORT, String(rtp.port));
    return true;
  }
}
