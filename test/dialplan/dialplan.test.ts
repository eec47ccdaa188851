import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dialplan } from '../../src/dialplan/dialplan.js';

/** Build a dialplan from `[context, exten, priority, app, data, label?]` rows. */
function build(rows: readonly (readonly [string, string, number, string, string, string?])[]): Dialplan {
  const dp = new Dialplan();
  for (const [ctx, exten, priority, app, data, label] of rows) {
    assert.equal(dp.addPriority(ctx, exten, priority, app, data, label), undefined, `${ctx}/${exten}/${priority}`);
  }
  return dp;
}

test('a literal extension beats a pattern, and the most specific pattern wins', () => {
  const dp = build([
    ['in', '_X.', 1, 'NoOp', 'any'],
    ['in', '_1XX', 1, 'NoOp', 'one-hundreds'],
    ['in', '100', 1, 'NoOp', 'exactly 100'],
    ['in', '_NXX', 1, 'NoOp', 'three digits'],
  ]);
  const cases: readonly (readonly [string, string | undefined, string | undefined])[] = [
    ['100', '100', 'exactly 100'],
    ['101', '_1XX', 'one-hundreds'],
    ['201', '_NXX', 'three digits'],
    ['2015', '_X.', 'any'],
    ['7', undefined, undefined],
  ];
  for (const [exten, extension, data] of cases) {
    const step = dp.findPriority('in', exten, 1);
    assert.equal(step?.extension, extension, exten);
    assert.equal(step?.appData, data, exten);
    assert.equal(dp.findExtension('in', exten)?.extension.name, extension, exten);
  }
});

test('a matching extension without the priority falls through to the next match (legacy pbx_find_extension)', () => {
  const dp = build([
    ['in', '_1X.', 1, 'NoOp', 'specific 1'],
    ['in', '_X.', 1, 'NoOp', 'general 1'],
    ['in', '_X.', 2, 'Hangup', ''],
  ]);
  assert.equal(dp.findPriority('in', '123', 1)?.appData, 'specific 1');
  assert.deepEqual(dp.findPriority('in', '123', 2), {
    context: 'in',
    extension: '_X.',
    priority: 2,
    app: 'Hangup',
    appData: '',
  });
  assert.equal(dp.findExtension('in', '123')?.extension.name, '_1X.', 'the first match, whatever it holds');
});

test('includes are searched after the context itself, in order, depth first', () => {
  const dp = build([
    ['top', '_X.', 1, 'NoOp', 'top pattern'],
    ['a', '100', 1, 'NoOp', 'a literal'],
    ['a-inner', '200', 1, 'NoOp', 'a-inner'],
    ['b', '200', 1, 'NoOp', 'b'],
    ['b', 's', 1, 'NoOp', 'b s'],
  ]);
  dp.addInclude('top', 'a');
  dp.addInclude('top', 'b');
  dp.addInclude('a', 'a-inner');
  // The context's own pattern wins over a literal in an include.
  assert.equal(dp.findPriority('top', '100', 1)?.appData, 'top pattern');
  // Depth first: a → a-inner before b.
  assert.deepEqual(dp.findPriority('top', '200', 1)?.context, 'top');
  assert.equal(dp.findPriority('a', '200', 1)?.context, 'a-inner');
  const s = dp.findPriority('top', 's', 1);
  assert.equal(s?.context, 'b', 'found in the included context');
  assert.equal(s?.extension, 's');
  assert.deepEqual(dp.includes.get('top'), ['a', 'b']);
  assert.equal(dp.addInclude('top', 'a'), false, 'the same include twice is refused');
});

test('include loops and includes of missing contexts end the search', () => {
  const dp = build([['a', '1', 1, 'NoOp', '']]);
  dp.addInclude('a', 'b');
  dp.addInclude('b', 'a');
  dp.addInclude('b', 'nowhere');
  dp.addInclude('b', 'c');
  dp.addPriority('c', '2', 1, 'NoOp', 'c');
  assert.equal(dp.findPriority('a', '9', 1), undefined);
  assert.equal(dp.findPriority('a', '2', 1)?.context, 'c');
  assert.equal(dp.findPriority('nowhere', '1', 1), undefined);
  assert.equal(dp.exists('b', '1'), true);
  // A long chain is followed, but not forever.
  const chain = new Dialplan();
  for (let i = 0; i < 1000; i++) chain.addInclude(`c${i}`, `c${i + 1}`);
  chain.addPriority('c1000', 'x', 1, 'NoOp', '');
  assert.equal(chain.exists('c0', 'x'), false, 'beyond AST_PBX_MAX_STACK');
  assert.equal(chain.exists('c600', 'x'), true);
});

test('labels resolve to priorities; exists() defaults to priority 1', () => {
  const dp = build([
    ['in', 's', 1, 'Answer', '', 'start'],
    ['in', 's', 2, 'Wait', '1', 'loop'],
    ['in', 's', 3, 'Goto', 'loop'],
    ['other', '_X', 5, 'NoOp', '', 'five'],
  ]);
  dp.addInclude('in', 'other');
  assert.equal(dp.findLabel('in', 's', 'start'), 1);
  assert.equal(dp.findLabel('in', 's', 'loop'), 2);
  assert.equal(dp.findLabel('in', 's', 'LOOP'), undefined, 'labels are case-sensitive');
  assert.equal(dp.findLabel('in', 's', 'missing'), undefined);
  assert.equal(dp.findLabel('in', '7', 'five'), 5, 'through an include');
  assert.equal(dp.findPriority('in', 's', 2)?.label, 'loop');
  assert.equal('label' in dp.findPriority('in', 's', 3)!, false);
  assert.equal(dp.exists('in', 's'), true);
  assert.equal(dp.exists('in', 's', 4), false);
  assert.equal(dp.exists('in', 'x'), false);
  assert.equal(dp.exists('missing', 's'), false);
});

test('run-time contexts: the stasis-<app> context that res_stasis registers', () => {
  const dp = new Dialplan();
  assert.equal(dp.hasContext('stasis-demo'), false);
  const ctx = dp.addContext('stasis-demo');
  assert.equal(dp.addContext('stasis-demo'), ctx, 'addContext is idempotent');
  dp.addPriority('stasis-demo', '_.', 1, 'Stasis', 'demo');
  dp.addPriority('stasis-demo', 'h', 1, 'NoOp', '');
  assert.equal(dp.hasContext('stasis-demo'), true);
  assert.equal(dp.findPriority('stasis-demo', '1234', 1)?.app, 'Stasis');
  assert.equal(dp.findPriority('stasis-demo', 'anything', 1)?.appData, 'demo');
  assert.equal(dp.findPriority('stasis-demo', 'h', 1)?.app, 'NoOp', 'the literal h beats _.');
  assert.equal(dp.findPriority('stasis-demo', '', 1), undefined, '`.` needs one character');
});

test('adding: duplicates are refused with a reason, `-`-equal names share an extension', () => {
  const dp = new Dialplan();
  assert.equal(dp.addPriority('c', '555-1212', 1, 'NoOp', 'first'), undefined);
  assert.match(dp.addPriority('c', '555-1212', 1, 'NoOp', 'again') ?? '', /already in use/);
  assert.equal(dp.addPriority('c', '5551212', 2, 'NoOp', 'second'), undefined);
  const ext = dp.contexts.get('c')!.extensions.get('555-1212')!;
  assert.deepEqual([...ext.priorities.keys()], [1, 2]);
  assert.equal(dp.findPriority('c', '5551212', 2)?.appData, 'second');
  assert.match(dp.addPriority('c', 'x', 0, 'NoOp', '') ?? '', /invalid priority/);
  assert.match(dp.addPriority('c', 'x', 1.5, 'NoOp', '') ?? '', /invalid priority/);
  // A reused label is reported; the priority is kept, the label stays with its first priority.
  dp.addPriority('c', 'y', 1, 'NoOp', '', 'here');
  assert.match(dp.addPriority('c', 'y', 2, 'NoOp', '', 'here') ?? '', /label 'here' already in use at priority 1/);
  assert.equal(dp.findLabel('c', 'y', 'here'), 1);
  assert.equal(dp.exists('c', 'y', 2), true);
  const p = dp.contexts.get('c')!.extensions.get('y')!.priorities.get(1)!;
  assert.deepEqual([p.file, p.line], ['', 0]);
});

test('caller-id extensions are used only when the caller id matches', () => {
  const dp = build([
    ['in', '100', 1, 'NoOp', 'everyone'],
    ['in', '100/555', 1, 'NoOp', 'the boss'],
    ['in', '_2XX/_6XX', 1, 'NoOp', 'six hundreds calling'],
  ]);
  assert.equal(dp.findPriority('in', '100', 1, '555')?.appData, 'the boss');
  assert.equal(dp.findPriority('in', '100', 1, '556')?.appData, 'everyone');
  assert.equal(dp.findPriority('in', '100', 1)?.appData, 'everyone', 'no caller id given');
  assert.equal(dp.findPriority('in', '200', 1, '601')?.extension, '_2XX');
  assert.equal(dp.findPriority('in', '200', 1, '701'), undefined);
  assert.equal(dp.contexts.get('in')!.extensions.size, 3);
});
