/**
 * Type-level tests of the ARI contract, checked by `npm run typecheck` (the test command runs it): each
 * `@ts-expect-error` line must fail to compile. If the contract stopped catching one of these mistakes, the
 * directive itself would become an error ("Unused '@ts-expect-error' directive") and the typecheck would fail.
 * Nothing here runs.
 */
import { implement, notImplemented, resourceHandlers } from '../../src/ari/contract/implement.js';
import type { ArgsOf } from '../../src/ari/contract/args.js';
import { OPERATIONS } from '../../src/ari/operations/index.js';

const ch = OPERATIONS.channels;

// A handler for channels.answer receives exactly { channelId: string }.
export const answerArgs: ArgsOf<typeof ch.answer> = { channelId: 'c1' };
// @ts-expect-error answer has no parameter named `channel`
export const wrongAnswerArgs: ArgsOf<typeof ch.answer> = { channel: 'c1' };

// originate: `timeout` is a number, present once the documented default is applied.
export const originateTimeout = implement(ch.originate, {
  params: { timeout: { default: true } },
  handle: ({ timeout }) => {
    const seconds: number = timeout;
    void seconds;
    return undefined as never;
  },
});

// Without the rule, `timeout` may be absent.
export const timeoutMaybeAbsent = implement(ch.originate, {
  handle: ({ timeout }) => {
    // @ts-expect-error timeout is number | undefined without a default rule
    const seconds: number = timeout;
    void seconds;
    return undefined as never;
  },
});

// `variables` is typed as documented: decoded assignments.
export const variablesTyped = implement(ch.originate, {
  handle: ({ variables }) => {
    const first: string | undefined = variables?.[0]?.name;
    void first;
    return undefined as never;
  },
});

// A rule naming a parameter that does not exist is refused.
export const misspeltRule = implement(ch.mute, {
  // @ts-expect-error `directoin` is not a parameter of mute
  params: { directoin: { missing: 'Direction is required' } },
  handle: () => undefined,
});

// With an `invalid` rule, `direction` narrows to the declared values.
export const narrowed = implement(ch.mute, {
  params: { direction: { missing: 'Direction is required', invalid: 'Invalid direction specified' } },
  handle: ({ direction }) => {
    const d: 'both' | 'in' | 'out' = direction;
    // @ts-expect-error 'sideways' is not an allowed direction
    const e: typeof direction = 'sideways';
    void d;
    void e;
  },
});

// Reading a parameter the declaration does not have fails.
export const unknownParam = implement(ch.hangup, {
  // @ts-expect-error hangup has no `force` parameter
  handle: ({ force }) => void force,
});

// A void operation cannot return a body; a model operation must return its model.
export const voidWithBody = implement(ch.answer, {
  // @ts-expect-error answer is void
  handle: () => ({ id: 'x' }),
});
export const wrongModel = implement(ch.get, {
  // @ts-expect-error get returns a Channel, not a number
  handle: () => 42,
});

// The target's type follows the declared kind.
export const targetTyped = implement(ch.answer, {
  target: 'answerableChannel',
  handle: (_args, { channel, control }) => void control.run(() => channel.answer()),
});
export const noTarget = implement(ch.answer, {
  // @ts-expect-error no target declared, so no channel in the environment
  handle: (_args, { channel }) => void channel,
});

// A resource table must name every operation ...
// @ts-expect-error `get` is missing from the playbacks table
export const incomplete = resourceHandlers('playbacks', { stop: notImplemented, control: notImplemented });
// ... and an operation's handler cannot stand under another nickname.
export const misplaced = resourceHandlers('mailboxes', {
  list: notImplemented,
  get: notImplemented,
  // @ts-expect-error a handler for mailboxes.delete under `update`
  update: implement(OPERATIONS.mailboxes.delete, { handle: () => undefined }),
  delete: notImplemented,
});
