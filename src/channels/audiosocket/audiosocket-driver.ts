/**
 * AudioSocket channels (chan_audiosocket.c + res_audiosocket.c): `AudioSocket/<host:port>/<uuid>[/c(<format>)]`
 * connects to an app's TCP server and carries the channel's audio there as little-endian signed linear PCM, with
 * DTMF. ARI externalMedia (encapsulation audiosocket, transport tcp) dials it with the `data` UUID and its `format`
 * as the request's first format; ARI originate/create and Dial() reach it as any other technology.
 *
 * Facts this follows (Asterisk 22.10.1, observed against a running one and read in its source):
 * - Named `AudioSocket/<destination as written>-<uuid as written>`, made Down at default,s,1, with the variables
 *   AUDIOSOCKET_UUID and AUDIOSOCKET_SERVICE (the destination). The destination, the UUID and the format are
 *   checked, and the connection made (2 s per resolved address, TCP_NODELAY), before the request returns; any of
 *   them failing fails the request (ARI originate and create answer 500 "Allocation failed").
 * - Called, it sends the UUID message and is answered at once; in Stasis it sends nothing more until audio is
 *   written to it (no bridge, no audio: a real Asterisk sent the 19 bytes of the UUID message only).
 * - Deleted over ARI: ChannelHangupRequest (cause 32, soft), StasisEnd, ChannelDestroyed cause 16, and the
 *   connection closes. The app hanging up (kind 0x00) or closing the connection: StasisEnd and ChannelDestroyed
 *   with cause 0, no ChannelHangupRequest.
 *
 * Here the connection is made in the media worker after `request` returns: the channel exists (ChannelCreated)
 * meanwhile, and the outcome is handed to the core (completeRequestLater), so externalMedia can wait for it and
 * answer 500 on failure. ARI originate and create do not wait: they answer 200, and the channel then ends with
 * cause 38 (destroyed before its dial, or hung up once in Stasis or being called).
 *
 * Beyond Asterisk: see audiosocket-dial-string.ts (formats) and the media edge (src/plane/audiosocket/): DTMF and
 * error messages from the app are accepted, malformed messages skipped rather than fatal, and the app's audio is
 * re-timed into 20 ms frames.
 */
import type { Channel } from '../../core/channel/channel.js';
import type { Core } from '../../core/core.js';
import { AUDIOSOCKET_TECHNOLOGY, type AudioSocketEdgeSpec } from '../../core/media/audiosocket-protocol.js';
import { completeRequestLater } from '../../core/outbound.js';
import type { ChannelDriver, ChannelRequest } from '../../core/ports.js';
import { audioSocketFormat, parseAudioSocketDialString } from './audiosocket-dial-string.js';
import { AudioSocketTech, type AudioSocketLog } from './audiosocket-tech.js';

export const AUDIOSOCKET_UUID = 'AUDIOSOCKET_UUID';
export const AUDIOSOCKET_SERVICE = 'AUDIOSOCKET_SERVICE';

export class AudioSocketDriver implements ChannelDriver {
  readonly technology = AUDIOSOCKET_TECHNOLOGY;

  constructor(
    private readonly core: Core,
    private readonly log?: AudioSocketLog,
  ) {}

  request(resource: string, request: ChannelRequest): Channel | { error: string } {
    const parsed = parseAudioSocketDialString(resource);
    if (!parsed.ok) return { error: parsed.error };
    const target = parsed.value;
    const format = audioSocketFormat(target.format, request.formats);
    if (!format.ok) return { error: format.error };
    const tech = new AudioSocketTech(target.destination, this.log);
    const channel = this.core.newChannel({
      id: request.id,
      name: `${AUDIOSOCKET_TECHNOLOGY}/${target.destination}-${target.uuid}`,
      tech,
      state: 'Down',
      location: { context: 'default', exten: 's', priority: 1, appName: '', appData: '' },
    });
    channel.setVariable(AUDIOSOCKET_UUID, target.uuid);
    channel.setVariable(AUDIOSOCKET_SERVICE, target.destination);
    // The connection is made as the media opens, in the originator's worker when there is one (beside its audio).
    const spec: AudioSocketEdgeSpec = {
      kind: 'audiosocket',
      host: target.host,
      port: target.port,
      uuid: target.uuid,
      format: format.value,
    };
    channel.attachMedia(this.core.media.open(spec, request.originator?.media));
    tech.follow(channel);
    completeRequestLater(channel, tech.connected);
    return channel;
  }
}
