import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTimestamp } from '../../src/core/time.js';
import { parseCallerId } from '../../src/core/channel/party-id.js';
import { causeText, HANGUP_REASONS } from '../../src/core/causes.js';

test('timestamps use Asterisk format: milliseconds and a numeric offset without colon', () => {
  const ts = formatTimestamp(Date.UTC(2026, 10, 22, 17, 32, 57, 665));
  assert.match(ts, /^2026-11-2\dT\d\d:32:57\.665[+-]\d{4}$/);
  if (new Date().getTimezoneOffset() === 0) assert.equal(ts, '2026-11-22T17:32:57.665+0000');
  // Milliseconds are padded and the cache per second does not leak between seconds.
  assert.match(formatTimestamp(Date.UTC(2026, 0, 1, 0, 0, 0, 7)), /\.007[+-]\d{4}$/);
  assert.match(formatTimestamp(Date.UTC(2026, 0, 1, 0, 0, 1, 0)), /:01\.000[+-]\d{4}$/);
});

test('caller id strings parse like ast_callerid_parse', () => {
  assert.deepEqual(parseCallerId('"Bob" <555>'), { name: 'Bob', number: '555' });
  assert.deepEqual(parseCallerId('Bob <555>'), { name: 'Bob', number: '555' });
  assert.deepEqual(parseCallerId('<555>'), { name: '', number: '555' });
  assert.deepEqual(parseCallerId('555'), { name: '', number: '555' });
  assert.deepEqual(parseCallerId('Alice'), { name: 'Alice', number: '' });
});

test('hangup reasons map to the Q.850 causes ARI documents', () => {
  assert.equal(HANGUP_REASONS.normal, 16);
  assert.equal(HANGUP_REASONS.busy, 17);
  assert.equal(HANGUP_REASONS.congestion, 34);
  assert.equal(HANGUP_REASONS.no_answer, 19);
  assert.equal(HANGUP_REASONS.answered_elsewhere, 26);
  assert.equal(causeText(16), 'Normal Clearing');
  assert.equal(causeText(21), 'Call Rejected');
  assert.equal(causeText(0), 'Unknown');
});
