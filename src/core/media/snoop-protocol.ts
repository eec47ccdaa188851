/**
 * The snoop part of the media plane's protocol (see media-protocol.ts), and the port the Snoop channel driver
 * implements for ARI's snoop operation.
 *
 * A snoop channel's media is opened in its target's worker with an edge of kind `snoop` (EdgeSpec): what the
 * snoop channel reads is the spied direction(s) of the target, what is written to it is whispered into the
 * target. It needs no commands of its own; its one event says that the target's media is gone, which ends the
 * snoop channel as Asterisk's does when its audiohooks stop running (res_stasis_snoop.c, snoop_read).
 */
import type { Channel } from '../channel/channel.js';
import type { ChannelDriver } from '../ports.js';
import type { MediaDirection } from './media-protocol.js';

/** Commands (`op` names unique across the whole protocol): none, the edge spec says everything. */
export type SnoopCommand = never;

/** Events (`ev` names unique across the whole protocol). */
export type SnoopEvent =
  /** The target's media closed (it hung up): the snoop channel has nothing left to read and ends. */
  { readonly ev: 'snoop-ended' };

/** What ARI's snoop operation asks for (resource_channels.c, after its checks). */
export interface SnoopParams {
  /** Directions copied to the snoop channel: `in` what the target sends, `out` what it hears. */
  readonly spy: MediaDirection;
  /** Directions the snoop channel's audio is mixed into. */
  readonly whisper: MediaDirection;
  /** The Stasis application the snoop channel enters, and its arguments (comma separated). */
  readonly app: string;
  readonly appArgs?: string | undefined;
  /** The snoop channel's unique id; allocated when absent. */
  readonly snoopId?: string | undefined;
}

/** The Snoop technology: makes no outbound channels (`Snoop/...` is not dialable), only snoops. */
export interface SnoopDriver extends ChannelDriver {
  /**
   * A `Snoop/<target id>-<n>` channel, Up, on its way into `Stasis(app[,appArgs])`; undefined when it cannot be
   * made (its id is taken), which ARI answers 500 as `stasis_app_control_snoop` failing.
   */
  snoop(target: Channel, params: SnoopParams): Channel | undefined;
}

/** The technology name of snoop channels, under which their driver is registered. */
export const SNOOP_TECHNOLOGY = 'Snoop';

export function isSnoopDriver(driver: ChannelDriver | undefined): driver is SnoopDriver {
  return driver !== undefined && typeof (driver as Partial<SnoopDriver>).snoop === 'function';
}
