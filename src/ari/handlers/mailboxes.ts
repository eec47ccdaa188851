import type { Handler } from '../handler.js';
import { AriError } from '../handler.js';
import { int, str } from './args.js';

interface Mailbox {
  name: string;
  old_messages: number;
  new_messages: number;
}

/** ARI-controlled mailboxes (res_stasis_mailbox.c): message counts that ARI sets (MWI source). */
export function mailboxHandlers(): Record<string, Handler> {
  const boxes = new Map<string, Mailbox>();
  const find = (name: string): Mailbox => {
    const box = boxes.get(name);
    if (!box) throw new AriError(404, 'Mailbox is does not exist');
    return box;
  };
  return {
    list: () => ({ body: [...boxes.values()] }),
    get: (args) => ({ body: find(str(args, 'mailboxName') ?? '') }),
    update: (args) => {
      const name = str(args, 'mailboxName') ?? '';
      // Counts are parsed with atoi: garbage reads as 0 (trace s2: newMessages=abc stored 0).
      boxes.set(name, { name, old_messages: int(args, 'oldMessages', 0), new_messages: int(args, 'newMessages', 0) });
      return undefined;
    },
    delete: (args) => {
      const name = str(args, 'mailboxName') ?? '';
      find(name);
      boxes.delete(name);
      return undefined;
    },
  };
}
