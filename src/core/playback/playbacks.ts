import type { Core } from '../core.js';

/**
 * Playbacks (res_stasis_playback): every playback on a channel or a bridge, by id, with its ARI state machine and
 * events. The media itself plays in the media plane (src/plane/playback).
 */
export class Playbacks {
  constructor(readonly core: Core) {}
}
