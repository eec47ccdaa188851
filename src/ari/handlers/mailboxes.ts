import { implement, resourceHandlers } from '../contract/implement.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.mailboxes;

// Asterisk's wording, typo included (resource_mailboxes.c).
const notFound = (): AriError => new AriError(404, 'Mailbox is does not exist');

/** ARI-controlled mailboxes (res_stasis_mailbox.c). */
export const mailboxHandlers = resourceHandlers('mailboxes', {
  list: implement(ops.list, { handle: (_args, { core }) => core.mailboxes.list() }),
  get: implement(ops.get, {
    handle: ({ mailboxName }, { core }) => core.mailboxes.get(mailboxName) ?? Promise.reject(notFound()),
  }),
  // Counts are parsed with atoi: garbage reads as 0 (trace s2: newMessages=abc stored 0).
  update: implement(ops.update, {
    handle: ({ mailboxName, oldMessages, newMessages }, { core }) =>
      core.mailboxes.update(mailboxName, oldMessages ?? 0, newMessages ?? 0),
  }),
  delete: implement(ops.delete, {
    handle: ({ mailboxName }, { core }) => {
      if (!core.mailboxes.delete(mailboxName)) throw notFound();
    },
  }),
});
