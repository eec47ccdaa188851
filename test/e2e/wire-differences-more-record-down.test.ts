/**
 * Recording a channel that is still Down (made by /channels/create, never dialed). Asterisk 22.10.1 records
 * without answering it (ast_auto_answer → ast_raw_answer answers only a ringing channel), so the channel stays
 * Down and continue/redirect keep answering 412 while it records (RecordingStarted at once). Such a channel sends
 * no audio: the recording gives up after 4 s without a frame (done, duration 0), whatever its time limit.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ARI_CONF, type TestServer } from '../helpers/server.js';
import { ari, type EventSocket } from '../helpers/ari.js';
import { closeAppServer, openAppServer } from '../helpers/app-server.js';

const APP = 'wire-more-rec';
const EXTENSIONS = '[default]\nexten => park,1,Answer()\n same => n,Wait(300)\n';
const INVALID = { message: 'Channel in invalid state' };
const NAME = `wire-more-down-${process.pid}`;

let server: TestServer;
let events: EventSocket;

before(
  async () => ({ server, events } = await openAppServer(APP, { 'ari.conf': ARI_CONF, 'extensions.conf': EXTENSIONS })),
);
after(() => closeAppServer(server, events));

test('a recording leaves a Down channel Down; continue and redirect stay 412 meanwhile', async () => {
  const made = await ari(server, 'POST', `/channels/create?endpoint=Local/park@default&app=${APP}&channelId=down`);
  assert.equal(made.status, 200, made.text);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === 'down');
  const rec = await ari(
    server,
    'POST',
    `/channels/down/record?name=${NAME}&format=wav&maxDurationSeconds=1&ifExists=overwrite`,
  );
  assert.equal(rec.status, 201, rec.text);
  assert.equal(rec.json.state, 'queued');
  await events.wait((e) => e.type === 'RecordingStarted' && e.recording?.name === NAME);
  assert.equal((await ari(server, 'GET', `/recordings/live/${NAME}`)).json?.state, 'recording');
  assert.equal((await ari(server, 'GET', '/channels/down')).json?.state, 'Down');
  const cont = await ari(server, 'POST', '/channels/down/continue?context=default&extension=park&priority=1');
  assert.deepEqual([cont.status, cont.json], [412, INVALID]);
  const redirect = await ari(server, 'POST', '/channels/down/redirect?endpoint=Local/other@default');
  assert.deepEqual([redirect.status, redirect.json], [412, INVALID]);
  // The recording holds the channel's command queue: a variable set waits for it (answered once it ends).
  let isSet = false;
  const setting = ari(server, 'POST', '/channels/down/variable?variable=AFTER&value=1').then((r) => {
    isSet = true;
    return r;
  });
  assert.equal((await ari(server, 'GET', `/recordings/live/${NAME}`)).json?.state, 'recording');
  assert.equal(isSet, false, 'the variable waits behind the recording');
  assert.equal((await ari(server, 'POST', `/recordings/live/${NAME}/stop`)).status, 204);
  assert.equal((await setting).status, 204);
  const finished = await events.wait((e) => e.type === 'RecordingFinished' && e.recording?.name === NAME);
  assert.equal(finished.recording.state, 'done');
  assert.ok(!events.typesFor('down').includes('ChannelStateChange'), 'never answered');
  assert.equal((await ari(server, 'GET', '/channels/down')).json?.state, 'Down');
  assert.equal((await ari(server, 'DELETE', '/channels/down')).status, 204);
  await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === 'down');
  await ari(server, 'DELETE', `/recordings/stored/${NAME}`);
});

test('a recording that hears no audio ends after 4 s, done, with duration 0', async () => {
  const made = await ari(server, 'POST', `/channels/create?endpoint=Local/park@default&app=${APP}&channelId=quiet`);
  assert.equal(made.status, 200, made.text);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === 'quiet');
  const name = `${NAME}-quiet`;
  const rec = await ari(server, 'POST', `/channels/quiet/record?name=${name}&format=wav&maxDurationSeconds=1`);
  assert.equal(rec.status, 201, rec.text);
  const started = await events.wait((e) => e.type === 'RecordingStarted' && e.recording?.name === name);
  const finished = await events.wait((e) => e.type === 'RecordingFinished' && e.recording?.name === name, 8000);
  const tookMs =
    Date.parse(finished.timestamp.replace(/(\d\d)(\d\d)$/, '$1:$2')) -
    Date.parse(started.timestamp.replace(/(\d\d)(\d\d)$/, '$1:$2'));
  assert.ok(tookMs >= 3900 && tookMs < 5500, `ended ${tookMs} ms after it started (Asterisk: about 4 s)`);
  assert.deepEqual([finished.recording.state, finished.recording.duration], ['done', 0]);
  assert.equal((await ari(server, 'GET', '/channels/quiet')).json?.state, 'Down');
  assert.equal((await ari(server, 'DELETE', '/channels/quiet')).status, 204);
  await ari(server, 'DELETE', `/recordings/stored/${name}`);
});
