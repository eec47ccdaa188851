import { CoreError, type CoreErrorCode } from '../core/errors.js';
import { AriError } from './handler.js';

/** Core failure codes → ARI status (semantics.md §13) and, where Asterisk uses one, its status-line text. */
const STATUS: Readonly<Record<CoreErrorCode, readonly [number, string?]>> = {
  CHANNEL_NOT_FOUND: [404],
  CHANNEL_NOT_IN_STASIS: [409],
  CHANNEL_INVALID_STATE: [412],
  CHANNEL_ID_IN_USE: [409],
  CHANNEL_NOT_DIALABLE: [409],
  INVALID_ENDPOINT: [400],
  REQUEST_FAILED: [500],
  BAD_REQUEST: [400],
  NOT_FOUND: [404],
  CONFLICT: [409],
  UNPROCESSABLE: [422],
  VARIABLE_NOT_FOUND: [404, 'Variable Not Found'],
  FUNCTION_FAILED: [500, 'Error With Function'],
  APP_NOT_FOUND: [404],
  INTERNAL: [500, 'Internal Error'],
};

/** Turn a core failure into the ARI error Asterisk would answer; anything else is rethrown. */
export function toAriError(err: unknown): never {
  if (err instanceof CoreError) {
    if (err.code === 'REQUEST_FAILED') throw AriError.allocationFailed(err.holdMs);
    const [status, reason] = STATUS[err.code];
    throw new AriError(status, err.message, reason);
  }
  throw err;
}
