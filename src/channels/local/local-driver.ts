import type { Channel } from '../../core/channel/channel.js';
import type { Core } from '../../core/core.js';
import type { ChannelDriver, ChannelRequest } from '../../core/ports.js';
import { localDeviceSource } from './local-device-state.js';
import { LocalPair } from './local-pair.js';

/**
 * `Local/<exten>@<context>[/options]`: a pair of channels joined back to back, `;2` running the dialplan
 * at exten@context. Options `/n`, `/j`, `/b` are accepted and have no effect here: Switchyard never optimizes
 * Local channels away. `/m` passes hold and unhold to the other half instead of playing music on hold.
 */
export class LocalDriver implements ChannelDriver {
  readonly technology = 'Local';
  constructor(private readonly core: Core) {
    core.deviceStates.register(localDeviceSource(() => core.dialplan));
  }

  idsFor(request: ChannelRequest): readonly string[] {
    return [request.id, request.otherId ?? `${request.id};2`];
  }

  request(resource: string, request: ChannelRequest): Channel | { error: string } {
    const slash = resource.indexOf('/');
    const target = slash === -1 ? resource : resource.slice(0, slash);
    const at = target.indexOf('@');
    const exten = at === -1 ? target : target.slice(0, at);
    const context = at === -1 ? 'default' : target.slice(at + 1);
    if (exten === '' || context === '') return { error: 'Invalid Local channel resource' };
    // Names carry an 8-hex-digit sequence shared by both halves and by bridge media channels.
    const suffix = this.core.unrealSequence.next();
    const base = `Local/${exten}@${context}-${suffix}`;
    const pair = new LocalPair(exten, context, () => this.core.dialplan);
    if (slash !== -1 && resource.slice(slash + 1).includes('m')) pair.interceptsMoh = false;
    const location = () => ({ context, exten, priority: 1, appName: '', appData: '' });
    const outbound = this.core.newChannel({
      id: request.id,
      name: `${base};1`,
      tech: pair.one,
      state: 'Down',
      location: location(),
    });
    const inbound = this.core.newChannel({
      id: request.otherId ?? `${request.id};2`,
      name: `${base};2`,
      tech: pair.two,
      state: 'Ring',
      location: location(),
    });
    pair.link(outbound, inbound);
    // Both halves' media in one worker (the originator's, when there is one), each the other's peer — opened
    // only when either half first needs audio: a Local channel that only signals never costs the plane anything.
    const openPair = (): void => {
      if (outbound.hasMedia || inbound.hasMedia) return;
      const one = this.core.media.open({ kind: 'local' }, request.originator?.media);
      const two = this.core.media.open({ kind: 'local' }, one);
      one.send({ op: 'local-peer', peer: two.id });
      two.send({ op: 'local-peer', peer: one.id });
      outbound.attachMedia(one);
      inbound.attachMedia(two);
    };
    outbound.lazyMedia(openPair);
    inbound.lazyMedia(openPair);
    return outbound;
  }
}
