/**
 * ARI `/asterisk/logging` (resource_asterisk.c over logger.c): logger channels fed by the structured log
 * (core/modules/log-channels.ts). Statuses and messages are Asterisk 22.10.1's as it answered them.
 */
import { logChannelsOf } from '../../core/modules/attach.js';
import { implement } from '../contract/implement.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.asterisk;

const noSuchChannel = (): AriError => new AriError(404, 'Log channel does not exist', 'Not Found');

export const asteriskLoggingHandlers = {
  listLogChannels: implement(ops.listLogChannels, { handle: (_args, { core }) => logChannelsOf(core).list() }),

  /** Levels are checked before the name: an existing channel given no levels is 400, not 409. */
  addLog: implement(ops.addLog, {
    params: { configuration: { missing: 'Configuration levels are required' } },
    handle: ({ logChannelName, configuration }, { core }) => {
      switch (logChannelsOf(core).create(logChannelName, configuration)) {
        case 'created':
          return;
        case 'no-levels':
          throw new AriError(400, 'Configuration levels are required', 'Bad Request');
        case 'exists':
          throw new AriError(409, 'Log channel already exists', 'Conflict');
        case 'cannot-open':
          // logger.c makes no channel of a file it cannot open, and ARI reports that as an allocation failure.
          throw new AriError(500, 'Allocation failed', 'Internal Server Error');
      }
    },
  }),

  deleteLog: implement(ops.deleteLog, {
    handle: ({ logChannelName }, { core }) => {
      if (!logChannelsOf(core).remove(logChannelName)) throw noSuchChannel();
    },
  }),

  rotateLog: implement(ops.rotateLog, {
    handle: ({ logChannelName }, { core }) => {
      if (!logChannelsOf(core).rotate(logChannelName)) throw noSuchChannel();
    },
  }),
};
