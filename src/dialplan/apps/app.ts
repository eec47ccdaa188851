import type { Channel } from '../../core/channel/channel.js';
import type { Core } from '../../core/core.js';
import type { DialplanTarget } from '../../core/ports.js';
import type { Pbx } from '../pbx.js';

/** What a dialplan application gets: the channel, the core, and its (substituted) argument string. */
export interface AppContext {
  readonly channel: Channel;
  readonly core: Core;
  readonly pbx: Pbx;
  readonly data: string;
  /** True while running the `h` extension: the channel is already hung up. */
  readonly inHangupExten: boolean;
}

/** Nothing: go on with the next priority. `goto`: jump. `hangup`: the application ended the call. */
export type AppResult = void | { readonly goto?: DialplanTarget; readonly hangup?: boolean };

export type DialplanApplication = (ctx: AppContext) => AppResult | Promise<AppResult>;

/** Sleep that ends early when the channel hangs up (ast_safe_sleep). */
export { safeDelay as safeSleep } from '../../core/stasis/safe-delay.js';
