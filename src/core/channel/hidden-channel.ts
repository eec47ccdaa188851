import { randomUUID } from 'node:crypto';
import type { MediaLeg } from '../media/media-plane.js';
import { Channel, type ChannelHost } from './channel.js';
import type { ChannelTech } from './channel-tech.js';

/** A channel with no device: bridge media (announcer, recorder) speak through the mixer port they stand on. */
const NO_DEVICE: Omit<ChannelTech, 'technology'> = {
  call: () => ({ ok: false, cause: 0 }),
  answer: () => {},
  hangup: () => {},
  indicate: () => {},
  write: () => {},
};

/** Hidden channels publish nothing and are in no registry (Asterisk's are not listed in the bridge either). */
const SILENT_HOST: ChannelHost = { publish: () => {}, channelvarNames: [], onDestroyed: () => {} };

/**
 * One of the helper channels Asterisk makes for a bridge's own media — `Announcer/ARI-<id>` for playbacks and
 * `Announcer/ARI_MOH-<id>` for music on hold, `Recorder/ARI-<id>` for recordings (resource_bridges.c
 * prepare_bridge_media_channel): Up, invisible to ARI, its media a port of the bridge's mixer.
 */
export function hiddenChannel(technology: string, prefix: string, media: MediaLeg): Channel {
  const id = randomUUID();
  const tech: ChannelTech = { technology, ...NO_DEVICE };
  const location = { context: 'default', exten: 's', priority: 1, appName: '', appData: '' };
  const channel = new Channel(SILENT_HOST, id, `${technology}/${prefix}-${id.slice(0, 8)}`, tech, 'Up', location);
  channel.attachMedia(media);
  return channel;
}
