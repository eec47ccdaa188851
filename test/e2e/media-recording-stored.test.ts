// Stored recordings (/recordings/stored: list, get, file with HTTP ranges, copy, delete) on real files in a
// recordings folder, and the bad input of every recording operation answered with Asterisk 22's status and
// message, over HTTP and over REST on the events WebSocket alike (they share one dispatcher).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { wavHeader } from '../../src/media/formats/wav.js';
import { parseByteRange } from '../../src/ari/server/byte-range.js';
import { ari, EventSocket } from '../helpers/ari.js';
import { sine } from '../helpers/audio.js';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';

const APP = 'stored';
const EXTENSIONS = `
[default]
exten => park,1,Answer()
 same => n,Wait(300)
`;

let server: TestServer;
let events: EventSocket;
let spool: string;
let recordings: string;
/** The bytes of r1.wav as written. */
let r1: Buffer;

function wavFile(samples: Int16Array): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  return Buffer.concat([wavHeader(8000, data.length), data]);
}

before(async () => {
  spool = mkdtempSync(join(tmpdir(), 'switchyard-stored-'));
  recordings = join(spool, 'recording');
  mkdirSync(join(recordings, 'sub', 'deeper'), { recursive: true });
  mkdirSync(join(recordings, 'folder.wav'));
  r1 = wavFile(sine(440, 4000));
  writeFileSync(join(recordings, 'r1.wav'), r1);
  writeFileSync(join(recordings, 'sub', 'msg.ulaw'), Buffer.alloc(800, 0xff));
  writeFileSync(join(recordings, 'sub', 'deeper', 'x.gsm'), Buffer.alloc(33 * 5));
  writeFileSync(join(recordings, 'sub', 'notes.txt'), 'not a recording');
  writeFileSync(join(recordings, '.wav'), wavFile(new Int16Array(10)));
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': EXTENSIONS,
    'asterisk.conf': `[directories]\nastspooldir=${spool}\n`,
  });
  events = await EventSocket.open(server, APP);
  const r = await ari(
    server,
    'POST',
    `/channels?endpoint=Local/park@default&app=${APP}&channelId=c1&otherChannelId=c1b`,
  );
  assert.equal(r.status, 200);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === 'c1');
});

after(async () => {
  events.close();
  await server.close();
  rmSync(spool, { recursive: true, force: true });
});

test('the list is every file of a known format under the folder, by name; other files and folders are ignored', async () => {
  const r = await ari(server, 'GET', '/recordings/stored');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, [
    { name: 'r1', format: 'wav' },
    { name: 'sub/deeper/x', format: 'gsm' },
    { name: 'sub/msg', format: 'ulaw' },
  ]);
});

test('get finds a recording by name, sub-folders and Asterisk’s path resolution included; escapes are not found', async () => {
  assert.deepEqual((await ari(server, 'GET', '/recordings/stored/sub%2Fmsg')).json, {
    name: 'sub/msg',
    format: 'ulaw',
  });
  // Asterisk resolves the folder part with realpath: a leading slash or a detour inside the folder still finds it.
  for (const alias of ['%2Fsub%2Fmsg', 'sub%2Fdeeper%2F..%2Fmsg', 'sub%2F.%2Fmsg']) {
    const r = await ari(server, 'GET', `/recordings/stored/${alias}`);
    assert.deepEqual([r.status, r.json], [200, { name: 'sub/msg', format: 'ulaw' }], alias);
  }
  for (const bad of [
    'nope',
    'r1.wav',
    'sub',
    '..%2Frecording%2Fr1x',
    '..%2F..%2Fetc%2Fpasswd',
    'folder',
    '%2Fetc%2Fpasswd',
  ]) {
    const r = await ari(server, 'GET', `/recordings/stored/${bad}`);
    assert.deepEqual([r.status, r.json], [404, { message: 'Recording not found' }], bad);
  }
});

test('file: the bytes as stored with Content-Type audio/<ext>', async () => {
  const r = await fetch(`${server.ariBase}/recordings/stored/r1/file`, { headers: { Authorization: server.auth } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'audio/wav');
  assert.equal(r.headers.get('accept-ranges'), 'bytes');
  assert.deepEqual(Buffer.from(await r.arrayBuffer()), r1);
  const ulaw = await fetch(`${server.ariBase}/recordings/stored/sub%2Fmsg/file`, {
    headers: { Authorization: server.auth },
  });
  assert.equal(ulaw.headers.get('content-type'), 'audio/ulaw');
  assert.equal((await ulaw.arrayBuffer()).byteLength, 800);
  const missing = await ari(server, 'GET', '/recordings/stored/nope/file');
  assert.deepEqual([missing.status, missing.json], [404, { message: 'Recording not found' }]);
});

test('file with Range: 206 with exactly the bytes asked for and Content-Range; 416 when nothing can be served', async () => {
  const size = r1.length;
  const get = (range: string) =>
    fetch(`${server.ariBase}/recordings/stored/r1/file`, { headers: { Authorization: server.auth, Range: range } });
  const cases: [string, number, number][] = [
    ['bytes=0-43', 0, 43],
    ['bytes=44-', 44, size - 1],
    ['bytes=-100', size - 100, size - 1],
    ['bytes=100-199', 100, 199],
    [`bytes=${size - 10}-${size + 500}`, size - 10, size - 1],
  ];
  for (const [range, start, end] of cases) {
    const r = await get(range);
    assert.equal(r.status, 206, range);
    assert.equal(r.headers.get('content-range'), `bytes ${start}-${end}/${size}`, range);
    assert.equal(r.headers.get('content-type'), 'audio/wav');
    assert.deepEqual(Buffer.from(await r.arrayBuffer()), r1.subarray(start, end + 1), range);
  }
  const beyond = await get(`bytes=${size}-`);
  assert.equal(beyond.status, 416);
  assert.equal(beyond.headers.get('content-range'), `bytes */${size}`);
  assert.deepEqual(await beyond.json(), { message: 'Requested range not satisfiable' });
  // Several ranges, another unit or a malformed header: the whole file (RFC 9110 §14.2 lets a server ignore it).
  for (const ignored of ['bytes=0-1,5-6', 'lines=1-2', 'bytes=9-3', 'bytes=abc']) {
    const r = await get(ignored);
    assert.equal(r.status, 200, ignored);
    assert.equal((await r.arrayBuffer()).byteLength, size, ignored);
  }
});

test('parseByteRange reads the three forms of RFC 9110 §14.1.2 and refuses what cannot be served', () => {
  assert.deepEqual(parseByteRange('bytes=0-0', 10), { start: 0, end: 0 });
  assert.deepEqual(parseByteRange('bytes = 2 - 4', 10), { start: 2, end: 4 });
  assert.deepEqual(parseByteRange('bytes=-20', 10), { start: 0, end: 9 });
  assert.equal(parseByteRange('bytes=-0', 10), 'unsatisfiable');
  assert.equal(parseByteRange('bytes=0-', 0), 'unsatisfiable');
  assert.equal(parseByteRange('bytes=-', 10), undefined);
  assert.equal(parseByteRange('bytes=99999999999999999999-', 10), 'unsatisfiable');
});

test('copy: a new name (extension dropped, folders made) → 200; taken → 409; escaping → 403; invalid → 400', async () => {
  const ok = await ari(server, 'POST', '/recordings/stored/r1/copy?destinationRecordingName=copies%2Fnew%2Fr1.wav');
  assert.deepEqual([ok.status, ok.json], [200, { name: 'copies/new/r1', format: 'wav' }]);
  assert.deepEqual(readFileSync(join(recordings, 'copies', 'new', 'r1.wav')), r1);
  const cases: [string, number, string][] = [
    ['copies%2Fnew%2Fr1', 409, 'A recording with the same name already exists on the system'],
    ['sub%2Fmsg', 409, 'A recording with the same name already exists on the system'],
    ['..%2Fx', 403, 'Destination file path is forbidden'],
    ['..%2F..%2Fx', 403, 'Destination file path is forbidden'],
    ['a%2F..%2F..%2Fb', 403, 'Destination file path is forbidden'],
    ['%2Fetc%2Fx', 400, 'Invalid destination recording name'],
    ['', 400, 'Invalid destination recording name'],
    ['dir%2F', 400, 'Invalid destination recording name'],
  ];
  for (const [dest, status, message] of cases) {
    const r = await ari(server, 'POST', `/recordings/stored/r1/copy?destinationRecordingName=${dest}`);
    assert.deepEqual([r.status, r.json], [status, { message }], dest);
  }
  const none = await ari(server, 'POST', '/recordings/stored/r1/copy');
  assert.deepEqual([none.status, none.json], [400, { message: 'Invalid destination recording name' }]);
  const unknown = await ari(server, 'POST', '/recordings/stored/nope/copy?destinationRecordingName=y');
  assert.deepEqual([unknown.status, unknown.json], [404, { message: 'Recording not found' }]);
  assert.equal(existsSync(join(spool, 'x.wav')), false);
  assert.equal(existsSync(join(spool, 'b.wav')), false);
});

test('delete removes the file; a second delete and an escaping name are 404', async () => {
  writeFileSync(join(recordings, 'gone.wav'), r1);
  assert.equal((await ari(server, 'DELETE', '/recordings/stored/gone')).status, 204);
  assert.equal(existsSync(join(recordings, 'gone.wav')), false);
  for (const name of ['gone', '..%2Frecording%2Fgone', '..%2F..%2Fetc%2Fhostname']) {
    const r = await ari(server, 'DELETE', `/recordings/stored/${name}`);
    assert.deepEqual([r.status, r.json], [404, { message: 'Recording not found' }], name);
  }
});

/** What `record` answers for bad input, in Asterisk's order (resource_channels.c) — status and message. */
const RECORD_BAD_INPUT: readonly [query: string, status: number, message: string][] = [
  ['channels/c1/record?name=..%2Fx&format=wav', 400, 'Recording name invalid'],
  ['channels/c1/record?name=%2Fetc%2Fpasswd&format=wav', 400, 'Recording name invalid'],
  ['channels/c1/record?name=a%2F..%2F..%2Fb&format=wav', 400, 'Recording name invalid'],
  ['channels/c1/record?name=..&format=wav', 400, 'Recording name invalid'],
  ['channels/c1/record?name=dir%2F&format=wav', 400, 'Recording name invalid'],
  ['channels/c1/record?name=&format=wav', 500, 'Error parsing request'],
  ['channels/c1/record?format=wav', 500, 'Error parsing request'],
  ['channels/c1/record?name=r', 422, 'specified format is unknown on this system'],
  ['channels/c1/record?name=r&format=grue', 422, 'specified format is unknown on this system'],
  ['channels/c1/record?name=r&format=wav&ifExists=nah', 400, 'ifExists invalid'],
  ['channels/c1/record?name=r&format=grue&ifExists=nah&terminateOn=x', 400, 'terminateOn invalid'],
  ['channels/c1/record?name=r&format=wav&maxDurationSeconds=-1', 400, 'max_duration_seconds cannot be negative'],
  ['channels/c1/record?name=r&format=wav&maxSilenceSeconds=-3', 400, 'max_silence_seconds cannot be negative'],
  // atoi keeps the low 32 bits: 4294967295 is -1.
  [
    'channels/c1/record?name=r&format=wav&maxDurationSeconds=4294967295',
    400,
    'max_duration_seconds cannot be negative',
  ],
  // The limits are checked before the channel is looked up; the enumerations after.
  ['channels/nope/record?name=r&format=wav&maxSilenceSeconds=-1', 400, 'max_silence_seconds cannot be negative'],
  ['channels/nope/record?name=r&format=grue&ifExists=nah', 404, 'Channel not found'],
  ['channels/c1b/record?name=r&format=wav', 409, 'Channel not in Stasis application'],
  ['channels/c1/record?name=r1&format=wav', 409, "Recording 'r1' already exists and can not be overwritten"],
  ['recordings/live/nope', 404, 'Recording not found'],
  ['recordings/live/..%2Fx/stop', 404, 'Recording not found'],
  ['recordings/stored/..%2F..%2Fetc%2Fpasswd', 404, 'Recording not found'],
  ['recordings/stored/..%2F..%2Fetc%2Fpasswd/file', 404, 'Recording not found'],
];

function methodOf(uri: string): string {
  return uri.startsWith('channels/') || uri.endsWith('/stop') ? 'POST' : 'GET';
}

test('bad input over HTTP: traversal names, bad enums, negative and huge limits — Asterisk’s status and message', async () => {
  for (const [uri, status, message] of RECORD_BAD_INPUT) {
    const r = await ari(server, methodOf(uri), `/${uri}`);
    assert.deepEqual([r.status, r.json], [status, { message }], uri);
  }
  assert.equal(existsSync(join(spool, 'x.wav')) || existsSync(join(spool, 'b.wav')), false, 'nothing escaped');
});

test('bad input over REST on the WebSocket: the same answers; a file cannot travel there (406)', async () => {
  const responses: Record<string, any>[] = [];
  events.ws.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString()) as Record<string, any>;
    if (m['type'] === 'RESTResponse') responses.push(m);
  });
  const requests = [
    ...RECORD_BAD_INPUT.map(([uri], i) => ({ type: 'RESTRequest', request_id: `b${i}`, method: methodOf(uri), uri })),
    { type: 'RESTRequest', request_id: 'file', method: 'GET', uri: 'recordings/stored/r1/file' },
  ];
  for (const req of requests) events.ws.send(JSON.stringify(req));
  const deadline = Date.now() + 10_000;
  while (responses.length < requests.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(responses.length, requests.length);
  RECORD_BAD_INPUT.forEach(([uri, status, message], i) => {
    const r = responses.find((m) => m['request_id'] === `b${i}`)!;
    assert.deepEqual([r['status_code'], JSON.parse(r['message_body'] as string)], [status, { message }], uri);
  });
  const file = responses.find((m) => m['request_id'] === 'file')!;
  assert.deepEqual([file['status_code'], file['reason_phrase']], [406, 'Not Acceptable.  Use HTTP GET']);
});

test('a huge maxDurationSeconds is taken as atoi takes it (the low 32 bits) and the recording runs', async () => {
  const r = await ari(server, 'POST', '/channels/c1/record?name=huge&format=wav&maxDurationSeconds=99999999999');
  assert.equal(r.status, 201);
  await events.wait((e) => e.type === 'RecordingStarted' && e.recording?.name === 'huge');
  assert.equal((await ari(server, 'POST', '/recordings/live/huge/stop')).status, 204);
  const done = await events.wait((e) => e.type === 'RecordingFinished' && e.recording?.name === 'huge');
  assert.equal(done.recording.state, 'done');
});
