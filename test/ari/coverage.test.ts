/**
 * Which declared operations have a handler (implemented) and which answer 501 until their capability lands.
 * Prints the coverage line; fails if an operation the foundation promises is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Core } from '../../src/core/core.js';
import { buildHandlers } from '../../src/ari/handlers/index.js';
import { ALL_OPERATIONS } from '../../src/ari/operations/index.js';
import { startTestServer } from '../helpers/server.js';
import { ari } from '../helpers/ari.js';

/** The Channels operations that need no media engine (issue: foundation). */
const FOUNDATION_CHANNEL_OPS = [
  'list',
  'originate',
  'create',
  'get',
  'originateWithId',
  'hangup',
  'continueInDialplan',
  'move',
  'redirect',
  'answer',
  'ring',
  'ringStop',
  'progress',
  'sendDTMF',
  'mute',
  'unmute',
  'hold',
  'unhold',
  'getChannelVar',
  'setChannelVar',
  'getChannelVars',
  'setChannelVars',
  'dial',
];

test('coverage: implemented / declared operations, and 501 for the rest', async () => {
  const handlers = buildHandlers(new Core({ asteriskId: 'x' }), { version: 't', systemName: 't' });
  const implemented = ALL_OPERATIONS.filter((op) => handlers[op.resource]?.[op.nickname] !== undefined);
  const missing = ALL_OPERATIONS.filter((op) => handlers[op.resource]?.[op.nickname] === undefined && !op.upgrade);
  console.log(
    `coverage: ${implemented.length + 1}/${ALL_OPERATIONS.length} operations implemented (incl. the events WebSocket)`,
  );
  console.log(`not implemented (501): ${missing.map((op) => `${op.resource}.${op.nickname}`).join(', ')}`);
  for (const nickname of FOUNDATION_CHANNEL_OPS) {
    assert.ok(handlers.channels?.[nickname], `channels.${nickname} must be implemented`);
  }
  const server = await startTestServer();
  try {
    for (const op of missing) {
      const path = op.path.replace(/\{[^}]+\}/g, 'x');
      const r = await ari(server, op.method, path);
      assert.deepEqual([r.status, r.json], [501, { message: 'Not implemented' }], `${op.method} ${op.path}`);
    }
  } finally {
    await server.close();
  }
});
