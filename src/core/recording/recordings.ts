import type { Core } from '../core.js';

/**
 * Live recordings (res_stasis_recording) by name, with their ARI state machine and events, and the stored ones
 * in the recordings folder. The audio is written by the media plane (src/plane/recording).
 */
export class Recordings {
  constructor(readonly core: Core) {}
}
