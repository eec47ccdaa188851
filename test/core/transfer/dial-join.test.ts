// DialJoin: two channels joined by Dial(), ended by a hangup or taken apart by a transfer. Channels are core
// channels on a recording technology: what each is written, and whether it was hung up, is read back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Channel } from '../../../src/core/channel/channel.js';
import type { ChannelTech } from '../../../src/core/channel/channel-tech.js';
import { Core } from '../../../src/core/core.js';
import type { Frame } from '../../../src/core/frame.js';
import type { DialplanTarget } from '../../../src/core/ports.js';
import { DialJoin, joinOf } from '../../../src/core/transfer/dial-join.js';

const core = new Core({ asteriskId: 'x' });
let n = 0;
const written = new Map<Channel, Frame[]>();

/** A channel; `withPbx` marks one that runs a dialplan (a Dial() caller), the others are callees. */
function channel(name: string, withPbx = false): Channel {
  const frames: Frame[] = [];
  const tech: ChannelTech = {
    technology: 'Test',
    call: () => ({ ok: true }),
    answer: () => {},
    hangup: () => {},
    indicate: () => {},
    write: (_c, frame) => frames.push(frame),
  };
  const location = { context: 'default', exten: 's', priority: 1, appName: '', appData: '' };
  const c = core.newChannel({ id: `j${n++}`, name: `Test/${name}`, tech, state: 'Up', location });
  c.hasPbx = withPbx;
  written.set(c, frames);
  return c;
}

/** Lets queued promise callbacks (hangup watchers) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const digit = (d: string): Frame => ({ kind: 'dtmf-end', digit: d, durationMs: 100 });

test('frames cross both ways; the callee hanging up ends the caller’s Dial() and is released', async () => {
  const a = channel('a', true);
  const b = channel('b');
  const join = new DialJoin(a, b);
  const ended = join.wait(a);
  a.reader?.(digit('1'));
  b.reader?.(digit('2'));
  assert.deepEqual(written.get(b), [digit('1')]);
  assert.deepEqual(written.get(a), [digit('2')]);
  b.queueHangup(17);
  assert.deepEqual(await ended, {});
  await settle();
  assert.equal(b.isDestroyed, true);
  assert.equal(a.isDestroyed, false, 'the caller is hung up by its own dialplan');
  assert.equal(joinOf(a), undefined);
});

test('the caller hanging up releases the callee with its cause', async () => {
  const a = channel('a', true);
  const b = channel('b');
  const ended = new DialJoin(a, b).wait(a);
  a.queueHangup(19);
  await ended;
  await settle();
  assert.equal(b.isDestroyed, true);
  assert.equal(b.hangupCause, 19);
});

test('blind transfer: the caller’s Dial() goes on at the target; a callee transferee gets a dialplan of its own', async () => {
  const target: DialplanTarget = { context: 'xferd', exten: 'echo', priority: 1 };
  const a = channel('a', true);
  const b = channel('b');
  const join = new DialJoin(a, b);
  const ended = join.wait(a);
  const ran: Channel[] = [];
  join.sendOn(b, target, (c) => ran.push(c));
  assert.deepEqual(await ended, { goto: target });
  assert.equal(ran.length, 0);
  assert.equal(a.reader, undefined, 'no longer joined');

  const c = channel('c', true);
  const d = channel('d');
  const other = new DialJoin(c, d);
  void other.wait(c);
  other.sendOn(c, target, (x) => ran.push(x));
  assert.deepEqual(ran, [d]);
  // The transferer hanging up afterwards does not touch the transferee.
  c.queueHangup(16);
  await settle();
  assert.equal(d.isDestroyed, false);
});

test('attended transfer: the transferee and the target are joined, their Dial()s wait on the new join', async () => {
  const a = channel('a', true);
  const b = channel('b');
  const b2 = channel('b2', true);
  const c = channel('c');
  const first = new DialJoin(a, b);
  const second = new DialJoin(b2, c);
  const aEnded = first.wait(a);
  const b2Ended = second.wait(b2);
  const joined = DialJoin.link(first, b, second, b2);
  assert.deepEqual(await b2Ended, {}, 'the second leg’s Dial() ends');
  assert.equal(joinOf(a), joined);
  assert.equal(joinOf(c), joined);
  a.reader?.(digit('5'));
  assert.deepEqual(written.get(c), [digit('5')]);
  // The old legs hanging up does not end the new join.
  b.queueHangup(16);
  b2.queueHangup(16);
  await settle();
  assert.equal(joined.isOver, false);
  c.queueHangup(16);
  assert.deepEqual(await aEnded, {});
  await settle();
  assert.equal(c.isDestroyed, true);
});
