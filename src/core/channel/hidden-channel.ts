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
 * One of the helper channels Asterisk makes for a bridge's own media — `Announcer/ARI-<seq>;2` for playbacks,
 * `Announcer/ARI_MOH-<seq>;2` for music on hold, `Recorder/ARI-<seq>;2` for recordings (resource_bridges.c
 * prepare_bridge_media_channel; the `;2` half of an unreal pair, numbered from the Local sequence): Up,
 * invisible to ARI, its media a port of the bridge's mixer. Members see its name in BRIDGEPEER.
 */
export function hiddenChannel(technology: string, prefix: string, sequence: string, media: MediaLeg): Channel {
  const id = randomUUID();
  const tech: ChannelTech = { technology, ...NO_DEVICE };
  const location = { context: 'default', exten: 's', priority: 1, appName: '', appData: '' };
  const name = `${technology}/${prefix}-${sequence};2`;
  const channel = new Channel(SILENT_HOST, id, name, tech, 'Up', location);
  channel.attachMedia(media);
  return channel;
}
