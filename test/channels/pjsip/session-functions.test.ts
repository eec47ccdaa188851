// Writes of PJSIP_TRANSFER_HANDLING, PJSIP_DTMF_MODE and PJSIP_HEADER on a session's state, with the values
// chan_pjsip's dialplan_functions.c accepts and refuses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeSessionFunction, type WritableSessionState } from '../../../src/channels/pjsip/session-functions.js';

function state(): WritableSessionState {
  return { transferHandling: 'core', dtmfMode: 'rfc4733', extraHeaders: [] };
}

test('PJSIP_TRANSFER_HANDLING takes core, ari-only or empty (core) and refuses anything else', () => {
  const s = state();
  assert.equal(writeSessionFunction(s, 'PJSIP_TRANSFER_HANDLING', '', 'ari-only'), true);
  assert.equal(s.transferHandling, 'ari-only');
  assert.equal(writeSessionFunction(s, 'PJSIP_TRANSFER_HANDLING', '', 'bogus'), false);
  assert.equal(s.transferHandling, 'ari-only');
  assert.equal(writeSessionFunction(s, 'PJSIP_TRANSFER_HANDLING', '', ''), true);
  assert.equal(s.transferHandling, 'core');
});

test('PJSIP_DTMF_MODE takes the dtmf_mode values only', () => {
  const s = state();
  assert.equal(writeSessionFunction(s, 'PJSIP_DTMF_MODE', '', 'info'), true);
  assert.equal(s.dtmfMode, 'info');
  assert.equal(writeSessionFunction(s, 'PJSIP_DTMF_MODE', '', 'rfc2833'), false);
  assert.equal(s.dtmfMode, 'info');
});

test('PJSIP_HEADER add, update and remove, names compared without case', () => {
  const s = state();
  assert.equal(writeSessionFunction(s, 'PJSIP_HEADER', 'add,X-One', 'a'), true);
  assert.equal(writeSessionFunction(s, 'PJSIP_HEADER', 'add,x-one', 'b'), true);
  assert.deepEqual(s.extraHeaders, [
    ['X-One', 'a'],
    ['x-one', 'b'],
  ]);
  assert.equal(writeSessionFunction(s, 'PJSIP_HEADER', 'update,X-ONE', 'c'), true);
  assert.deepEqual(s.extraHeaders, [
    ['X-ONE', 'c'],
    ['x-one', 'b'],
  ]);
  assert.equal(writeSessionFunction(s, 'PJSIP_HEADER', 'update,X-Two', 'd'), true);
  assert.equal(writeSessionFunction(s, 'PJSIP_HEADER', 'remove,x-one', ''), true);
  assert.deepEqual(s.extraHeaders, [['X-Two', 'd']]);
  assert.equal(writeSessionFunction(s, 'PJSIP_HEADER', 'read,X-Two', ''), false);
  assert.equal(writeSessionFunction(s, 'PJSIP_HEADER', 'add,', 'x'), false);
  assert.equal(writeSessionFunction(s, 'CALLERID', 'name', 'x'), false);
});
