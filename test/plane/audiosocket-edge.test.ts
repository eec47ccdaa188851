// The AudioSocket edge and feature over real TCP connections on 127.0.0.1: the open connects (or fails), the UUID
// goes out on call and nothing before it, audio both ways as little-endian messages (one per 20 ms frame out,
// re-timed in), DTMF both ways, the app's error, empty and unknown messages skipped, and hangup both ways.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { test } from 'node:test';
import type { EdgeSpec, FromPlane, MediaEvent, MediaReply } from '../../src/core/media/media-protocol.js';
import { installAudioSocket } from '../../src/plane/audiosocket/index.js';
import { AudioSocketEdge } from '../../src/plane/audiosocket/audiosocket-edge.js';
import { AudioSocketFramer } from '../../src/plane/audiosocket/audiosocket-framer.js';
import { audioMessage, decodePcmLe, dtmfMessage, Kind } from '../../src/plane/audiosocket/audiosocket-messages.js';
import { MediaEngine } from '../../src/plane/engine.js';
import { MediaChannel, type MediaChannelHost } from '../../src/plane/media-channel.js';
import type { LinkTarget } from '../../src/plane/pipeline.js';
import type { PlaneSettings } from '../../src/plane/plane-settings.js';
import { StatsBlock } from '../../src/plane/stats-block.js';
import { sine, toneRatio } from '../helpers/audio.js';

const UUID = '0f3c1d2e-4b5a-6978-8a9b-0c1d2e3f4a5b';
const UUID_MESSAGE = '0100100f3c1d2e4b5a69788a9b0c1d2e3f4a5b';
const HOST: MediaChannelHost = { setClocked: () => {}, sourceEnded: () => {} };

/** The app's side: a TCP server that keeps what each connection sends, sliced into messages. */
class App {
  readonly conns: Socket[] = [];
  /** Per connection: resolves when our side has closed it (the app read its end). */
  readonly ended: Promise<unknown>[] = [];
  readonly messages: Array<[kind: number, payload: Buffer]> = [];
  readonly #framer = new AudioSocketFramer();
  private constructor(readonly server: Server) {
    server.on('connection', (socket) => {
      this.conns.push(socket);
      this.ended.push(once(socket, 'end'));
      socket.on('data', (chunk: Buffer) =>
        this.#framer.push(chunk, (kind, payload) => void this.messages.push([kind, Buffer.from(payload)])),
      );
      socket.on('error', () => {});
    });
  }
  static async start(): Promise<App> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new App(server);
  }
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }
  async waitFor(pred: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 400 && !pred(); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(pred(), `timed out waiting for ${what}`);
  }
  close(): void {
    for (const c of this.conns) c.destroy();
    this.server.close();
  }
}

/** Keeps copies of the frames a channel reads. */
class Heard implements LinkTarget {
  readonly frames: Int16Array[] = [];
  writeLinked(samples: Int16Array): void {
    this.frames.push(Int16Array.from(samples));
  }
  get all(): Int16Array {
    return Int16Array.from(this.frames.flatMap((f) => [...f]));
  }
}

/** An edge on a live connection to `app`, outside any engine (ticked by hand). */
async function edgeOn(app: App, rate: 8000 | 16000) {
  const { connectTcp } = await import('../../src/plane/audiosocket/tcp-connect.js');
  const connected = await connectTcp('127.0.0.1', app.port);
  assert.ok(connected.ok);
  const channel = new MediaChannel(1, HOST);
  const heard = new Heard();
  channel.link = heard;
  const events: MediaEvent[] = [];
  const uuid = (await import('../../src/core/media/audiosocket-protocol.js')).uuidBytes(UUID)!;
  const edge = new AudioSocketEdge(connected.socket, channel, rate, uuid, (e) => events.push(e));
  channel.edge = edge;
  await app.waitFor(() => app.conns.length === 1, 'the connection');
  return { edge, channel, heard, events, app: app.conns[0]! };
}

test('the UUID goes out first, on call; audio is written as one little-endian message per 20 ms frame', async () => {
  const app = await App.start();
  const { edge, channel } = await edgeOn(app, 16000);
  try {
    channel.send(sine(1000, 320, 8000, 16000), 16000);
    edge.dtmfEnd('5');
    edge.call();
    edge.call();
    const tone = sine(1000, 3 * 480, 8000, 16000);
    // The channel writes 30 ms frames (a peer's ptime): they leave as 20 ms messages.
    for (let i = 0; i < 3; i++) channel.send(tone.subarray(i * 480, (i + 1) * 480), 16000);
    edge.dtmfEnd('#');
    await app.waitFor(() => app.messages.length === 1 + 4 + 1, 'six messages');
    // Nothing written before the call went out: the UUID is the first message.
    assert.equal(app.messages[0]![0], Kind.UUID);
    assert.equal(app.messages[0]![1].toString('hex'), UUID_MESSAGE.slice(6));
    const audio = app.messages.slice(1, 5);
    assert.ok(audio.every(([kind, p]) => kind === Kind.AUDIO_SLIN16 && p.length === 640));
    const pcm = new Int16Array(4 * 320);
    audio.forEach(([, p], i) => decodePcmLe(p, pcm.subarray(i * 320)));
    assert.deepEqual([...pcm], [...tone.subarray(0, 4 * 320)], 'sample for sample, little-endian');
    assert.deepEqual(app.messages[5], [Kind.DTMF, Buffer.from('#')]);
  } finally {
    edge.close();
    app.close();
  }
});

test("the app's bursts are read one 20 ms frame per tick, and its 8 kHz audio is resampled for a 16 kHz channel", async () => {
  const app = await App.start();
  const { edge, heard, app: conn } = await edgeOn(app, 16000);
  try {
    // 200 ms of 16 kHz audio in one message, then 200 ms of 8 kHz audio in one message.
    const wide = sine(700, 3200, 8000, 16000);
    conn.write(audioMessage(Kind.AUDIO_SLIN16, wide));
    conn.write(audioMessage(Kind.AUDIO_SLIN, sine(1100, 1600, 8000, 8000)));
    await app.waitFor(() => edge.playout.waiting >= 6400, 'the audio to arrive');
    for (let tick = 0; tick < 20; tick++) {
      edge.tick();
      assert.equal(heard.frames.length, tick + 1, 'one frame per tick');
    }
    assert.ok(heard.frames.every((f) => f.length === 320));
    assert.deepEqual([...heard.all.subarray(0, 3200)], [...wide], 'the 16 kHz burst sample for sample');
    const resampled = heard.all.subarray(3200 + 100);
    assert.ok(
      toneRatio(resampled, 1100, 16000) > 0.9,
      `1100 Hz after resampling: ${toneRatio(resampled, 1100, 16000)}`,
    );
    edge.tick();
    edge.tick();
    assert.equal(heard.frames.length, 20, 'all of it was read: 200 ms at 8 kHz became 200 ms at 16 kHz');
  } finally {
    edge.close();
    app.close();
  }
});

test("the app's digits, errors, empty and unknown messages do not end the call; its audio goes on", async () => {
  const app = await App.start();
  const { edge, heard, events, app: conn } = await edgeOn(app, 8000);
  try {
    conn.write(
      Buffer.concat([
        dtmfMessage('4'),
        Buffer.of(Kind.ERROR, 0, 1, 0x02),
        Buffer.of(Kind.AUDIO_SLIN, 0, 0),
        Buffer.of(Kind.UUID, 0, 2, 1, 2),
        Buffer.of(0x42, 0, 1, 9),
        Buffer.of(Kind.DTMF, 0, 1, 0x78),
        Buffer.of(0x16, 0, 4, 1, 2, 3, 4),
        audioMessage(Kind.AUDIO_SLIN, sine(500, 160)),
      ]),
    );
    await app.waitFor(() => edge.playout.waiting === 160, 'the audio after them');
    assert.deepEqual(events.shift(), { ev: 'dtmf-begin', digit: '4' });
    const notices = events.map((e) => (e.ev === 'audiosocket-notice' ? `${e.notice}: ${e.detail}` : e.ev));
    // Each kind of notice is told at its 1st, 10th, 100th, ... time: the second unknown kind (0x42) is not.
    assert.deepEqual(notices, [
      'error-message: the app sent error code 0x02',
      'empty-message: an empty message of kind 0x10 was skipped',
      'unexpected-kind: a message of kind 0x01 was skipped',
      'bad-dtmf: a DTMF message not naming a digit (78)',
      'unsupported-rate: audio at 48000 Hz was skipped (this channel speaks 8000 Hz)',
    ]);
    events.length = 0;
    for (let tick = 0; tick < 5; tick++) edge.tick();
    assert.deepEqual(events, [{ ev: 'dtmf-end', digit: '4', durationMs: 100 }], 'the digit ends after 100 ms');
    assert.equal(heard.frames.length, 1);
    assert.equal(edge.isClosed, false);
  } finally {
    edge.close();
    app.close();
  }
});

test('a hangup message ends the call and closes the connection; so does the app closing it', async () => {
  const app = await App.start();
  const first = await edgeOn(app, 8000);
  first.app.write(Buffer.of(Kind.HANGUP, 0, 0));
  await app.waitFor(() => first.events.length > 0, 'the end');
  assert.deepEqual(first.events, [
    { ev: 'audiosocket-ended', reason: 'hangup', detail: 'the app sent a hangup message' },
  ]);
  await app.ended[0];
  app.conns.length = 0;
  const second = await edgeOn(app, 8000);
  second.app.end();
  await app.waitFor(() => second.events.length > 0, 'the end');
  assert.deepEqual(second.events, [
    { ev: 'audiosocket-ended', reason: 'closed', detail: 'the app closed the connection' },
  ]);
  second.edge.close();
  app.close();
});

/** An engine with the AudioSocket feature; `open` answers with the open's reply. */
function engineRig() {
  const events: Array<{ id: number; event: MediaEvent }> = [];
  const replies = new Map<number, (r: MediaReply) => void>();
  const engine = new MediaEngine(
    (m: FromPlane) => {
      if ('event' in m) events.push({ id: m.id, event: m.event });
      else replies.get(m.req)?.(m.reply);
    },
    { workerIndex: 0, workerCount: 1, stats: new StatsBlock() },
  );
  installAudioSocket(engine, {} as PlaneSettings); // it reads no settings
  let req = 1;
  const open = (id: number, edge: EdgeSpec) =>
    new Promise<MediaReply>((resolve) => {
      replies.set(req, resolve);
      engine.handle({ id, req: req++, request: { op: 'open', edge } });
    });
  return { engine, events, open };
}

test('the engine opens the edge by connecting: called before the connection is up, the UUID goes out once it is', async () => {
  const app = await App.start();
  const { engine, events, open } = engineRig();
  try {
    const opening = open(7, { kind: 'audiosocket', host: 'localhost', port: app.port, uuid: UUID, format: 'slin' });
    engine.handle({ id: 7, cmd: { op: 'audiosocket-call' } });
    assert.deepEqual(await opening, { ok: true });
    assert.equal(events[0]?.event.ev, 'audiosocket-connected');
    assert.ok(engine.clock.isRunning, 'the clock paces the edge');
    await app.waitFor(() => app.messages.length === 1, 'the UUID');
    assert.equal(app.messages[0]![1].toString('hex'), UUID_MESSAGE.slice(6));
    engine.handle({ id: 7, cmd: { op: 'close' } });
    await app.ended[0];
    assert.equal(engine.clock.isRunning, false);
  } finally {
    engine.shutdown();
    app.close();
  }
});

test('a refused connection fails the open and says so', async () => {
  const app = await App.start();
  const port = app.port;
  app.close();
  await once(app.server, 'close');
  const { engine, events, open } = engineRig();
  const reply = await open(3, { kind: 'audiosocket', host: '127.0.0.1', port, uuid: UUID, format: 'slin16' });
  assert.deepEqual(reply, { ok: false, error: `127.0.0.1:${port}: ECONNREFUSED` });
  assert.deepEqual(events, [
    { id: 3, event: { ev: 'audiosocket-ended', reason: 'connect-failed', detail: `127.0.0.1:${port}: ECONNREFUSED` } },
  ]);
  assert.equal(engine.channels.has(3), false);
  const unresolved = await open(4, {
    kind: 'audiosocket',
    host: 'no-such-host.invalid',
    port,
    uuid: UUID,
    format: 'slin',
  });
  assert.equal(unresolved.ok, false);
  assert.match((unresolved as { error: string }).error, /^cannot resolve no-such-host\.invalid: /);
  engine.shutdown();
});
