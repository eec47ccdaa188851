/**
 * Music on hold and the silence generator on a channel, as the core asks for them (ARI, the dialplan, a channel
 * technology's hold). The music itself, its classes and the one-generator rule live in the media plane
 * (src/plane/moh); these only send the commands of moh-protocol.ts.
 */
import type { Channel } from '../channel/channel.js';

/**
 * Channels that were given silence: stopping it sends a command only to those, so that leaving Stasis does not
 * open the media of a channel that never had any (a Local pair opens its media on first use).
 */
const silenced = new WeakSet<Channel>();

/**
 * `ast_moh_start`: music of `mohClass`, or of `default` when it is absent or unknown. Carries what the plane needs
 * from the channel: its language (language folders) and whether it is answered (`answeredonly` classes).
 */
export function startMusicOnHold(channel: Channel, mohClass?: string): void {
  channel.media?.send({
    op: 'moh-start',
    ...(mohClass !== undefined && mohClass !== '' && { mohClass }),
    language: channel.language,
    isAnswered: channel.state === 'Up',
  });
}

/** `ast_moh_stop`: ends the channel's generator, music or silence. */
export function stopMusicOnHold(channel: Channel): void {
  channel.media?.send({ op: 'moh-stop' });
}

/** A fresh silence generator (ARI startSilence). */
export function startSilence(channel: Channel): void {
  silenced.add(channel);
  channel.media?.send({ op: 'silence-start' });
}

/** Ends the silence generator if it is still the channel's generator (ARI stopSilence, leaving Stasis). */
export function stopSilence(channel: Channel): void {
  if (silenced.has(channel)) channel.media?.send({ op: 'silence-stop' });
}
