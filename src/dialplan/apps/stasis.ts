import { splitAppArgs } from '../app-args.js';
import type { AppContext, AppResult } from './app.js';

/**
 * Stasis(app[,args...]) — hand the channel to an ARI application. FAILED (app unknown or its socket
 * closed) goes on with the next priority; `continue` jumps to the requested location.
 */
export async function stasis({ channel, core, data }: AppContext): Promise<AppResult> {
  const [app = '', ...args] = splitAppArgs(data);
  const outcome = await core.stasis.exec(channel, app, args);
  if (outcome.status === 'SUCCESS' && outcome.continueAt && !channel.isHangupRequested) {
    return { goto: outcome.continueAt };
  }
  return undefined;
}
