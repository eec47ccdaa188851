import type { PlaybackAction } from '../../core/media/playback-protocol.js';
import type { Core } from '../../core/core.js';
import type { Playback } from '../../core/playback/playback.js';
import { implement, resourceHandlers } from '../contract/implement.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.playbacks;

/** The operations `control` takes, by their ARI names (compared case-sensitively, as strcmp). */
const CONTROL_OPERATIONS: ReadonlySet<string> = new Set(['unpause', 'pause', 'restart', 'reverse', 'forward']);

function find(core: Core, id: string): Playback {
  const playback = core.playbacks.get(id);
  if (playback === undefined) throw new AriError(404, 'Playback not found');
  return playback;
}

/**
 * The /playbacks resource (resource_playbacks.c): get, stop, control. `control` checks its operation before it
 * looks the playback up (a bad operation on an unknown id is 400, not 404); an operation the state does not
 * allow is 409 "Can only <op> while media is playing", one the media refuses (say items) 500 "Could not <op>
 * playback". A stop is allowed in every state, so it is 204 or that 500.
 */
export const playbackHandlers = resourceHandlers('playbacks', {
  get: implement(ops.get, { handle: ({ playbackId }, { core }) => find(core, playbackId).toJSON() }),

  stop: implement(ops.stop, {
    handle: ({ playbackId }, { core }) => {
      if (find(core, playbackId).operate('stop') !== 'ok') throw new AriError(500, 'Could not stop playback');
    },
  }),

  control: implement(ops.control, {
    handle: ({ playbackId, operation }, { core }) => {
      if (operation === undefined) throw new AriError(400, 'Missing operation');
      if (!CONTROL_OPERATIONS.has(operation)) throw new AriError(400, `Invalid operation ${operation}`);
      const result = find(core, playbackId).operate(operation as PlaybackAction);
      if (result === 'failed') throw new AriError(500, `Could not ${operation} playback`);
      if (result === 'not-playing') throw new AriError(409, `Can only ${operation} while media is playing`);
    },
  }),
});
