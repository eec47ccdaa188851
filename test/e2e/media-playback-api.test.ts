// The playback and sounds resources answer as Asterisk 22.10.1 does (checked against it): bad input with exact
// status and message, the control matrix per state, event sequences of lists with skipped and failed items, and
// /sounds on Debian's files. Channels are Local ones in a Stasis app; the audio itself is media-playback.test.ts's.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ari, EventSocket } from '../helpers/ari.js';
import { hasSounds } from '../helpers/audio.js';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';

const skip = !hasSounds && 'Asterisk sound files not installed';
const APP = 'api';
const EXTENSIONS = `
[default]
exten => wait,1,Answer()
 same => n,Wait(60)
 same => n,Hangup()
exten => dpf,1,Playback(no-such-file&beep)
 same => n,Stasis(${APP})
 same => n,Hangup()
exten => dps,1,Playback(beep,noanswer)
 same => n,Stasis(${APP})
 same => n,Hangup()
exten => dpk,1,Playback(beep,skip)
 same => n,Stasis(${APP})
 same => n,Hangup()
`;

let server: TestServer;
let events: EventSocket;
let nextId = 1;

before(async () => {
  server = await startTestServer({ 'ari.conf': ARI_CONF, 'extensions.conf': EXTENSIONS });
  events = await EventSocket.open(server, APP);
});

after(async () => {
  events.close();
  await server.close();
});

/** A Local channel (its `;1` half) in the app, answered; its `;2` half waits in the dialplan. */
async function stasisChannel(): Promise<{ id: string; other: string }> {
  const id = `c${nextId++}`;
  const other = `${id}-2`;
  const r = await ari(
    server,
    'POST',
    `/channels?endpoint=Local/wait@default&app=${APP}&channelId=${id}&otherChannelId=${other}`,
  );
  assert.equal(r.status, 200);
  await events.wait((e) => e.type === 'StasisStart' && e.channel!.id === id);
  return { id, other };
}

function story(id: string): string[] {
  return events.events
    .filter((e) => e.type.startsWith('Playback') && e.playback.id === id)
    .map((e) => `${e.type}:${e.playback.state}:${e.playback.media_uri}`);
}

const finished = (id: string, ms = 8000) =>
  events.wait((e) => e.type === 'PlaybackFinished' && e.playback.id === id, ms);

async function expect(method: string, path: string, status: number, message?: string): Promise<void> {
  const r = await ari(server, method, path);
  assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
  if (message !== undefined) assert.deepEqual(r.json, { message }, `${method} ${path}`);
}

test('bad input is answered with Asterisk’s status and message', async () => {
  const { id, other } = await stasisChannel();
  const created = await ari(server, 'POST', `/channels/create?endpoint=Local/wait@default&app=${APP}&channelId=down1`);
  assert.equal(created.status, 200);
  await events.wait((e) => e.type === 'StasisStart' && e.channel!.id === 'down1');
  const table: [string, string, number, string][] = [
    ['POST', '/channels/nope/play?media=sound:beep', 404, 'Channel not found'],
    ['POST', '/channels/nope/play?media=', 404, 'Channel not found'],
    ['POST', `/channels/${other}/play?media=sound:beep`, 409, 'Channel not in Stasis application'],
    ['POST', '/channels/down1/play?media=sound:beep', 412, 'Channel in invalid state'],
    ['POST', `/channels/${id}/play?media=sound:beep&skipms=-1`, 400, 'skipms cannot be negative'],
    ['POST', `/channels/${id}/play?media=sound:beep&offsetms=-1`, 400, 'offsetms cannot be negative'],
    ['POST', `/channels/${id}/play?media=sound:beep&offsetms=-5&skipms=-5`, 400, 'skipms cannot be negative'],
    ['POST', `/channels/${id}/play/x?media=sound:beep&skipms=-1`, 400, 'skipms cannot be negative'],
    ['POST', `/channels/${id}/play?media=`, 500, 'Failed to queue media for playback'],
    ['POST', `/channels/${id}/play`, 500, 'Failed to queue media for playback'],
    ['POST', `/channels/${id}/play?media=sound:beep,`, 500, 'Failed to queue media for playback'],
    ['POST', `/channels/${id}/play?media=,sound:beep`, 500, 'Failed to queue media for playback'],
    ['GET', '/playbacks/nope', 404, 'Playback not found'],
    ['DELETE', '/playbacks/nope', 404, 'Playback not found'],
    ['POST', '/playbacks/nope/control?operation=pause', 404, 'Playback not found'],
    // The operation is checked before the playback is looked up.
    ['POST', '/playbacks/nope/control?operation=bogus', 400, 'Invalid operation bogus'],
    ['POST', '/playbacks/nope/control', 400, 'Missing operation'],
    ['POST', '/playbacks/nope/control?operation=', 400, 'Invalid operation '],
    ['POST', '/playbacks/nope/control?operation=Pause', 400, 'Invalid operation Pause'],
    ['GET', '/sounds/no-such-sound', 404, 'Sound not found'],
    ['GET', '/sounds?lang=xx', 404, 'No sounds found that matched the query'],
    ['GET', '/sounds?format=wav', 404, 'No sounds found that matched the query'],
  ];
  for (const [method, path, status, message] of table) await expect(method, path, status, message);
  // Nothing was queued by the refused requests.
  assert.equal(story('x').length, 0);
  await ari(server, 'DELETE', `/channels/${id}`);
  await ari(server, 'DELETE', '/channels/down1');
});

test('control of a queued playback: restart and stop (cancel) are allowed, the rest is 409', async () => {
  const { id } = await stasisChannel();
  await ari(server, 'POST', `/channels/${id}/play/qa?media=tone:ring`);
  const queued = await ari(server, 'POST', `/channels/${id}/play/qb?media=sound:beep`);
  assert.equal(queued.json.state, 'queued');
  for (const op of ['pause', 'unpause', 'reverse', 'forward']) {
    await expect('POST', `/playbacks/qb/control?operation=${op}`, 409, `Can only ${op} while media is playing`);
  }
  await expect('POST', '/playbacks/qb/control?operation=restart', 204);
  await expect('DELETE', '/playbacks/qb', 204);
  assert.equal((await ari(server, 'GET', '/playbacks/qb')).json.state, 'done', 'canceled reads done');
  await expect('DELETE', '/playbacks/qb', 204);
  await expect('POST', '/playbacks/qb/control?operation=restart', 409, 'Can only restart while media is playing');
  assert.deepEqual(story('qb'), [], 'nothing is published before the queue reaches it');
  // Stopping the tone lets the queue reach the canceled playback: PlaybackFinished done, no PlaybackStarted.
  await expect('DELETE', '/playbacks/qa', 204);
  await finished('qb');
  assert.deepEqual(story('qa'), ['PlaybackStarted:playing:tone:ring', 'PlaybackFinished:done:tone:ring']);
  assert.deepEqual(story('qb'), ['PlaybackFinished:done:sound:beep']);
  await ari(server, 'DELETE', `/channels/${id}`);
});

test('control of a playing and a paused sound', async () => {
  const { id } = await stasisChannel();
  await ari(server, 'POST', `/channels/${id}/play/pa?media=sound:hello-world`);
  await events.wait((e) => e.type === 'PlaybackStarted' && e.playback.id === 'pa');
  await expect('POST', '/playbacks/pa/control?operation=unpause', 204); // no-op while playing
  await expect('POST', '/playbacks/pa/control?operation=pause', 204);
  assert.equal((await ari(server, 'GET', '/playbacks/pa')).json.state, 'paused');
  await expect('POST', '/playbacks/pa/control?operation=pause', 204); // no-op while paused
  for (const op of ['restart', 'reverse', 'forward']) {
    await expect('POST', `/playbacks/pa/control?operation=${op}`, 409, `Can only ${op} while media is playing`);
  }
  await expect('POST', '/playbacks/pa/control?operation=unpause', 204);
  for (const op of ['restart', 'reverse', 'forward'])
    await expect('POST', `/playbacks/pa/control?operation=${op}`, 204);
  await expect('DELETE', '/playbacks/pa', 204);
  await finished('pa');
  assert.deepEqual(story('pa'), [
    'PlaybackStarted:playing:sound:hello-world',
    'PlaybackStarted:playing:sound:hello-world',
    'PlaybackFinished:done:sound:hello-world',
  ]);
  await expect('GET', '/playbacks/pa', 404, 'Playback not found');
  await ari(server, 'DELETE', `/channels/${id}`);
});

test('number:, digits: and characters: are not controllable: 500 "Could not <op> playback"', async () => {
  const { id } = await stasisChannel();
  await ari(server, 'POST', `/channels/${id}/play/nu?media=number:1234`);
  await events.wait((e) => e.type === 'PlaybackStarted' && e.playback.id === 'nu');
  await expect('POST', '/playbacks/nu/control?operation=pause', 500, 'Could not pause playback');
  await expect('POST', '/playbacks/nu/control?operation=restart', 500, 'Could not restart playback');
  await expect('POST', '/playbacks/nu/control?operation=forward', 500, 'Could not forward playback');
  await expect('POST', '/playbacks/nu/control?operation=unpause', 204); // a no-op in every playing state
  await expect('DELETE', '/playbacks/nu', 500, 'Could not stop playback');
  assert.equal((await finished('nu', 15000)).playback.state, 'done', 'it plays to its end');
  await ari(server, 'DELETE', `/channels/${id}`);
});

test('lists: skipped and failed items give the events Asterisk gives', async () => {
  const { id } = await stasisChannel();
  await ari(server, 'POST', `/channels/${id}/play/l1?media=sound:no-such-sound,sound:beep`);
  await finished('l1');
  assert.deepEqual(story('l1'), [
    'PlaybackStarted:playing:sound:no-such-sound',
    'PlaybackContinuing:continuing:sound:no-such-sound',
    'PlaybackStarted:playing:sound:beep',
    'PlaybackFinished:done:sound:beep',
  ]);
  await ari(server, 'POST', `/channels/${id}/play/l2?media=tone:nonsense,number:abc,number:12x,digits:,characters:`);
  await finished('l2');
  assert.deepEqual(story('l2'), [
    'PlaybackStarted:playing:tone:nonsense',
    'PlaybackContinuing:continuing:tone:nonsense',
    'PlaybackStarted:playing:number:abc', // no number in it: skipped without a final state
    'PlaybackStarted:playing:number:12x', // %d reads 12
    'PlaybackContinuing:continuing:number:12x',
    'PlaybackStarted:playing:digits:',
    'PlaybackContinuing:continuing:digits:',
    'PlaybackStarted:playing:characters:',
    'PlaybackFinished:done:characters:',
  ]);
  // A skipped last item: the playback ends without PlaybackFinished, and is gone.
  await ari(server, 'POST', `/channels/${id}/play/l3?media=bogus:zzz`);
  await ari(server, 'POST', `/channels/${id}/play/l4?media=sound:beep`);
  await finished('l4');
  assert.deepEqual(story('l3'), ['PlaybackStarted:playing:bogus:zzz']);
  await expect('GET', '/playbacks/l3', 404, 'Playback not found');
  // A stopped tone ends only its item: the list goes on.
  await ari(server, 'POST', `/channels/${id}/play/l5?media=tone:busy,sound:beep`);
  await events.wait((e) => e.type === 'PlaybackStarted' && e.playback.id === 'l5');
  await expect('POST', '/playbacks/l5/control?operation=forward', 204); // nothing to skip in a tone
  await expect('DELETE', '/playbacks/l5', 204);
  await finished('l5');
  assert.deepEqual(story('l5'), [
    'PlaybackStarted:playing:tone:busy',
    'PlaybackContinuing:continuing:tone:busy',
    'PlaybackStarted:playing:sound:beep',
    'PlaybackFinished:done:sound:beep',
  ]);
  await ari(server, 'DELETE', `/channels/${id}`);
});

test('playbackId, lang, next_media_uri, duplicate ids and a huge offset', async () => {
  const { id } = await stasisChannel();
  const r = await ari(server, 'POST', `/channels/${id}/play?media=sound:beep,digits:1&lang=fr_CA&playbackId=given`);
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('location'), '/ari/playbacks/given');
  assert.deepEqual(r.json, {
    id: 'given',
    media_uri: 'sound:beep',
    next_media_uri: 'digits:1',
    target_uri: `channel:${id}`,
    language: 'fr_CA',
    state: 'queued',
  });
  await finished('given');
  assert.equal(story('given').at(-1), 'PlaybackFinished:done:digits:1', 'fr_CA falls back to the en files');
  const generated = await ari(server, 'POST', `/channels/${id}/play?media=sound:beep&playbackId=`);
  assert.match(generated.json.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  await finished(generated.json.id);
  // A taken id is not refused: both play, and a lookup finds the older one.
  assert.equal((await ari(server, 'POST', `/channels/${id}/play/dup?media=sound:vm-goodbye`)).status, 201);
  assert.equal((await ari(server, 'POST', `/channels/${id}/play/dup?media=sound:beep`)).status, 201);
  assert.equal((await ari(server, 'GET', '/playbacks/dup')).json.media_uri, 'sound:vm-goodbye');
  await events.wait(
    (e) => e.type === 'PlaybackFinished' && e.playback.media_uri === 'sound:beep' && e.playback.id === 'dup',
  );
  assert.deepEqual(story('dup'), [
    'PlaybackStarted:playing:sound:vm-goodbye',
    'PlaybackFinished:done:sound:vm-goodbye',
    'PlaybackStarted:playing:sound:beep',
    'PlaybackFinished:done:sound:beep',
  ]);
  const t0 = performance.now();
  await ari(server, 'POST', `/channels/${id}/play/far?media=sound:hello-world&offsetms=2147483647`);
  assert.equal((await finished('far')).playback.state, 'done');
  assert.ok(performance.now() - t0 < 500, 'an offset past the end plays nothing');
  await ari(server, 'DELETE', `/channels/${id}`);
});

test('/sounds lists Debian’s prompts by language and format', { skip }, async () => {
  // Debian also links en_US and en_US_f_Allison to the same prompts: each is a language of its own.
  const one = await ari(server, 'GET', '/sounds/hello-world');
  assert.equal(one.status, 200);
  assert.equal(one.json.id, 'hello-world');
  const en = (one.json.formats as { language: string; format: string }[]).filter((f) => f.language === 'en');
  assert.deepEqual(en, [
    { language: 'en', format: 'gsm' },
    { language: 'en', format: 'slin' },
  ]);
  const digit = await ari(server, 'GET', '/sounds/digits%2F1');
  assert.equal(digit.json.id, 'digits/1');
  const gsm = await ari(server, 'GET', '/sounds?lang=en&format=gsm');
  assert.equal(gsm.status, 200);
  const hello = (gsm.json as { id: string; formats: unknown[] }[]).find((s) => s.id === 'hello-world');
  assert.deepEqual(hello?.formats, [{ language: 'en', format: 'gsm' }]);
  const all = await ari(server, 'GET', '/sounds');
  assert.ok(all.json.length > 100, `${all.json.length} sounds`);
});

test('/sounds with no sounds folder: 404, and the server still starts', async () => {
  const data = mkdtempSync(join(tmpdir(), 'switchyard-nosounds-'));
  const bare = await startTestServer({ 'ari.conf': ARI_CONF, 'asterisk.conf': `[directories]\nastdatadir=${data}\n` });
  try {
    const r = await ari(bare, 'GET', '/sounds');
    assert.deepEqual([r.status, r.json], [404, { message: 'No sounds found that matched the query' }]);
  } finally {
    await bare.close();
    rmSync(data, { recursive: true, force: true });
  }
});

test('dialplan Playback(): PLAYBACKSTATUS, answering unless noanswer, skip on a channel not up', async () => {
  for (const [exten, status, state] of [
    ['dpf', 'FAILED', 'Up'], // answered, then a missing file and beep
    ['dps', 'SUCCESS', 'Ring'], // noanswer: played on the unanswered channel
    ['dpk', 'SUCCESS', 'Ring'], // skip: not up, so nothing is played
  ] as const) {
    const id = `${exten}-1`;
    const other = `${exten}-2`;
    await ari(
      server,
      'POST',
      `/channels?endpoint=Local/${exten}@default&app=${APP}&channelId=${id}&otherChannelId=${other}`,
    );
    // The `;2` half runs the dialplan: Playback(), then Stasis.
    const start = await events.wait((e) => e.type === 'StasisStart' && e.channel!.id === other, 5000);
    assert.equal(start.channel!.state, state, exten);
    const v = await ari(server, 'GET', `/channels/${other}/variable?variable=PLAYBACKSTATUS`);
    assert.deepEqual(v.json, { value: status }, exten);
    await ari(server, 'DELETE', `/channels/${id}`);
  }
});
