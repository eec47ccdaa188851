/**
 * Typed failures of core operations. The core knows nothing of HTTP: src/ari/errors.ts maps each code to
 * Asterisk's status code. Messages are the texts Asterisk puts in its `{"message": ...}` bodies.
 */
export type CoreErrorCode =
  | 'CHANNEL_NOT_FOUND'
  | 'CHANNEL_NOT_IN_STASIS'
  | 'CHANNEL_INVALID_STATE'
  | 'CHANNEL_ID_IN_USE'
  | 'CHANNEL_NOT_DIALABLE'
  | 'INVALID_ENDPOINT'
  | 'REQUEST_FAILED'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNPROCESSABLE'
  | 'VARIABLE_NOT_FOUND'
  | 'FUNCTION_FAILED'
  | 'APP_NOT_FOUND'
  | 'INTERNAL';

export class CoreError extends Error {
  constructor(
    readonly code: CoreErrorCode,
    message: string,
    /** Answer only after this long: a refusal under overload slows the refused client down (admission.ts). */
    readonly holdMs?: number,
  ) {
    super(message);
    this.name = 'CoreError';
  }
}

export const channelNotFound = (): CoreError => new CoreError('CHANNEL_NOT_FOUND', 'Channel not found');
export const channelNotInStasis = (): CoreError =>
  new CoreError('CHANNEL_NOT_IN_STASIS', 'Channel not in Stasis application');
export const channelInvalidState = (): CoreError => new CoreError('CHANNEL_INVALID_STATE', 'Channel in invalid state');
export const badRequest = (message: string): CoreError => new CoreError('BAD_REQUEST', message);
