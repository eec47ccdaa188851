/**
 * A digit that reaches a Local `;2` while it is still in Answer()'s wait for media. Asterisk 22.10.1 ends the wait
 * on it and puts what it read back at the head of the channel's queue, so the digit is not lost: the application
 * the channel enters next gets ChannelDtmfReceived for it (with the duration it was sent with), before any digit
 * sent later.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ARI_CONF, type TestServer } from '../helpers/server.js';
import { ari, type EventSocket } from '../helpers/ari.js';
import { closeAppServer, openAppServer } from '../helpers/app-server.js';

const APP = 'wire-more-dtmf';
const EXTENSIONS = `[default]\nexten => answered,1,Answer()\n same => n,Stasis(${APP})\n same => n,Hangup()\n`;

let server: TestServer;
let events: EventSocket;

before(
  async () => ({ server, events } = await openAppServer(APP, { 'ari.conf': ARI_CONF, 'extensions.conf': EXTENSIONS })),
);
after(() => closeAppServer(server, events));

test('a digit heard during Answer() reaches the next application, in order, with its duration', async () => {
  const made = await ari(
    server,
    'POST',
    `/channels?endpoint=Local/answered@default&app=${APP}&channelId=first&otherChannelId=second`,
  );
  assert.equal(made.status, 200, made.text);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === 'first');
  // `;2` answered (which answered `;1`) and is now waiting up to 500 ms for media.
  const early = await ari(server, 'POST', '/channels/first/dtmf?dtmf=5&duration=300');
  assert.equal(early.status, 204, early.text);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === 'second');
  const later = await ari(server, 'POST', '/channels/first/dtmf?dtmf=7');
  assert.equal(later.status, 204, later.text);
  await events.wait((e) => e.type === 'ChannelDtmfReceived' && e.channel?.id === 'second' && e.digit === '7');
  const heard = events.events
    .filter((e) => e.type === 'ChannelDtmfReceived' && e.channel?.id === 'second')
    .map((e) => [e.digit, e.duration_ms]);
  assert.deepEqual(heard, [
    ['5', 300],
    ['7', 100],
  ]);
  await ari(server, 'DELETE', '/channels/first');
  await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === 'second');
});
