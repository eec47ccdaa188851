import type { Channel } from './channel.js';
import type { ControlIndication, Frame } from '../frame.js';

/**
 * The technology side of one channel (chan_local, chan_pjsip, ... in Asterisk): what the core asks of the
 * device. Drivers create one instance per channel; the channel calls it, never the other way round except
 * through `channel.receive(frame)` for frames coming from the device.
 */
export interface ChannelTech {
  /** Technology name as it prefixes channel names and endpoints: 'Local', 'PJSIP'. */
  readonly technology: string;
  /**
   * An answered call that ends with cause 0 normally reports 16 (Normal Clearing); a technology that knows the
   * peer gave no reason (a SIP BYE without `Reason`) keeps 0, "Unknown", as chan_pjsip does.
   */
  readonly keepsUnknownCause?: boolean;
  /** Start the outbound call made by a driver's request (Asterisk `ast_call`). False when it cannot. */
  call(channel: Channel, timeoutMs: number): { ok: true } | { ok: false; cause: number };
  /** Answer an inbound call. */
  answer(channel: Channel): void;
  /** Release the device; the channel's hangupCause says why. Called once, from Channel.destroy(). */
  hangup(channel: Channel): void;
  /** Indicate a condition to the device (ringing, hold, ...). */
  indicate(channel: Channel, indication: ControlIndication): void;
  /** A frame toward the device: audio, DTMF, ... */
  write(channel: Channel, frame: Frame): void;
  /** Redirect the call elsewhere (SIP 302/REFER); technologies without transfer ignore it. */
  transfer?(channel: Channel, destination: string): void;
  /**
   * A dialplan function the technology provides (`CHANNEL(pjsip,call-id)`, `PJSIP_HEADER(read,X)`): its value,
   * or undefined when the technology has no such item or it cannot be read now (ARI then answers 500).
   */
  readFunction?(channel: Channel, func: string, args: string): string | undefined;
  /** Writes such a function; false when it is not writable. */
  writeFunction?(channel: Channel, func: string, args: string, value: string): boolean;
  /**
   * The technology's own call id (chan_pjsip's get_pvt_uniqueid: the SIP Call-ID), shown to a two-party
   * bridge peer as BRIDGEPVTCALLID; technologies without one (Local) leave it undefined.
   */
  pvtUniqueId?(channel: Channel): string;
  /** The RTPstat fields of the channel's audio stream (without channel_uniqueid); undefined before media. */
  rtpStatistics?(channel: Channel): Readonly<Record<string, number>> | undefined;
  /** Caller id of the outbound side copied to the device before a call (Local copies it to `;2`). */
  updateCallerId?(channel: Channel): void;
}
