import type { Core } from '../../core/core.js';
import { AriError, type Handler } from '../handler.js';
import { str } from './args.js';

/**
 * Endpoints: technologies with endpoints (PJSIP) come with the SIP stack; Local has none, so any tech
 * answers 404 as Asterisk does for `GET /endpoints/Local` (trace s2).
 */
export function endpointHandlers(_core: Core): Record<string, Handler> {
  const invalidTech = (tech: string): AriError => new AriError(404, `No Endpoints found - invalid tech ${tech}`);
  return {
    list: () => ({ body: [] }),
    listByTech: (args) => {
      throw invalidTech(str(args, 'tech') ?? '');
    },
    get: (args) => {
      throw invalidTech(str(args, 'tech') ?? '');
    },
  };
}
