/**
 * The mixing feature of a media engine: `mixer-create` makes a media object a bridge's mixer, `mixer-join` makes
 * another one a port of it (its edge becomes the port: what is sent to it goes into the mix, the mix it hears
 * is read from it), `port-options` changes a port's role or mute.
 */
import type { MediaEngine } from '../engine.js';
import type { MediaChannel } from '../media-channel.js';
import { Mixer, MixerPort } from './mixer.js';

export function installMixer(engine: MediaEngine): void {
  const mixers = new Map<number, Mixer>();
  engine.features.push({
    command(channel: MediaChannel, cmd) {
      switch (cmd.op) {
        case 'mixer-create': {
          mixers.get(channel.id)?.close();
          mixers.set(channel.id, new Mixer(cmd.rate, cmd.holding, (tick) => engine.clock.subscribe(tick, false)));
          return true;
        }
        case 'mixer-join': {
          const mixer = mixers.get(cmd.mixer);
          if (mixer === undefined) return true;
          const port = new MixerPort(channel, mixer, cmd.role, cmd.muted);
          channel.edge?.close();
          channel.edge = port;
          mixer.add(port);
          return true;
        }
        case 'mixer-rate':
          mixers.get(channel.id)?.setRate(cmd.rate);
          return true;
        case 'port-options':
          if (channel.edge instanceof MixerPort) {
            channel.edge.role = cmd.role;
            channel.edge.muted = cmd.muted;
          }
          return true;
        default:
          return false;
      }
    },
    closed(channel: MediaChannel) {
      const mixer = mixers.get(channel.id);
      if (mixer === undefined) return;
      mixer.close();
      mixers.delete(channel.id);
    },
  });
}
