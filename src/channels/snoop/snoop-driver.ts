/**
 * Snoop channels (res_stasis_snoop.c `stasis_app_control_snoop`): ARI's snoop operation makes a channel named
 * `Snoop/<target uniqueid>-<8 hex digits>`, Up from the start, whose media spies on and/or whispers into the
 * target, and which runs `Stasis(app[,appArgs])` until it leaves the application, then hangs up.
 *
 * Facts this follows (Asterisk 22.10.1, observed):
 * - The 8-hex-digit number is one counter for all snoops, taken before the id is checked: a refused id uses one.
 * - The id given is not checked by ARI; one in use makes the channel allocation fail (ARI answers 500). A longer
 *   id than the channel can hold is cut to its 151 characters.
 * - The application sees StasisStart only: the channel is subscribed by entering Stasis, so its ChannelCreated,
 *   ChannelDialplan and `STASISSTATUS` go only to apps subscribed to all channels; after StasisEnd nothing more.
 * - When the target is destroyed, the snoop's audiohooks stop, its read fails and it leaves Stasis without a
 *   hangup request (StasisEnd only), then is destroyed with cause 0; deleted over ARI it gets the usual
 *   ChannelHangupRequest (cause 32, soft) and StasisEnd. An application that is not registered: STASISSTATUS
 *   FAILED and the channel hangs up at once.
 * - `Snoop/...` cannot be dialed or originated (no requester): Allocation failed, as an unknown technology.
 */
import { splitAppArgs } from '../../util/app-args.js';
import type { Channel } from '../../core/channel/channel.js';
import type { Core } from '../../core/core.js';
import type { EdgeSpec } from '../../core/media/media-protocol.js';
import { SNOOP_TECHNOLOGY, type SnoopDriver, type SnoopParams } from '../../core/media/snoop-protocol.js';
import { controlOf } from '../../core/stasis/stasis.js';
import { SnoopTech } from './snoop-tech.js';

/** The longest unique id a channel holds (AST_MAX_UNIQUEID less its terminator). */
const MAX_UNIQUEID_LENGTH = 151;

export class SnoopChannelDriver implements SnoopDriver {
  readonly technology = SNOOP_TECHNOLOGY;
  #seq = 0;

  constructor(private readonly core: Core) {}

  request(): { error: string } {
    return { error: 'Snoop channels are made by snooping only' };
  }

  snoop(target: Channel, params: SnoopParams): Channel | undefined {
    const seq = this.#seq;
    this.#seq = (seq + 1) >>> 0;
    const suffix = seq.toString(16).padStart(8, '0');
    const core = this.core;
    const id = params.snoopId ? params.snoopId.slice(0, MAX_UNIQUEID_LENGTH) : core.channels.allocateId();
    if (core.channels.isInUse(id)) return undefined;
    const channel = core.newChannel({
      id,
      name: `Snoop/${target.id}-${suffix}`,
      tech: new SnoopTech(),
      state: 'Up',
      location: { context: 'default', exten: 's', priority: 1, appName: '', appData: '' },
    });
    const state = { ended: false };
    const end = (): void => {
      state.ended = true;
      // Its read fails: the Stasis loop ends without a hangup request (no ChannelHangupRequest).
      controlOf(channel)?.wake({ kind: 'hangup' });
    };
    // The snoop's media lives in the target's worker, beside the target's pipeline it hooks into.
    const targetMedia = target.media;
    const spec: EdgeSpec =
      targetMedia === undefined
        ? { kind: 'none' }
        : { kind: 'snoop', target: targetMedia.id, spy: params.spy, whisper: params.whisper };
    channel.attachMedia(core.media.open(spec, targetMedia));
    channel.onMediaEvent((event) => {
      if (event.ev === 'snoop-ended') end();
    });
    // A target without media yet has nothing to hook: the snoop only follows its lifetime.
    if (targetMedia === undefined) void target.whenHangup().then(end);
    setImmediate(() => void this.#runStasis(channel, params, state));
    return channel;
  }

  /** `Stasis(app[,appArgs])` run directly on the channel (ast_pbx_exec_application), then the hangup. */
  async #runStasis(channel: Channel, params: SnoopParams, state: { ended: boolean }): Promise<void> {
    const { app, appArgs } = params;
    channel.setLocation({ appName: 'Stasis', appData: appArgs ? `${app},${appArgs}` : app });
    if (!state.ended && !channel.isDestroyed) {
      await this.core.stasis.exec(channel, app, appArgs ? splitAppArgs(appArgs) : []);
    }
    channel.setLocation({ appName: '', appData: '' }, { silent: true });
    channel.destroy();
  }
}
