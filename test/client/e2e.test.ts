/**
 * The typed client against Switchyard started in this process: a whole call driven through
 * client.channels.* with its events read from client.events(), errors as AriClientError, and an events
 * socket cut in the middle of the network path that the client reopens by itself.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  AriClientError,
  createAriClient,
  type AriClient,
  type AriEventStream,
  type EventOf,
  type EventType,
} from '../../src/client/index.js';

const WAIT_MS = 5000;

let server: TestServer;
let client: AriClient;

before(async () => {
  server = await startTestServer();
  client = createAriClient({ url: server.url, username: 'asterisk', password: 'asterisk' });
});

after(async () => {
  await server.close();
});

/** The first event of `type` matching `pred` from now on; rejects after WAIT_MS so a missing event fails. */
function nextEvent<T extends EventType>(
  stream: AriEventStream,
  type: T,
  pred: (e: EventOf<T>) => boolean,
): Promise<EventOf<T>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${type} within ${WAIT_MS} ms`));
    }, WAIT_MS);
    const off = stream.on(type, (e) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

test(
  'a call driven with the typed client: StasisStart args, answer, variables, hangup cause',
  { timeout: 15_000 },
  async () => {
    const stream = client.events('t');
    try {
      await stream.ready();
      // Events may arrive before the HTTP answer that caused them (semantics.md §3.3): listen first.
      const started = nextEvent(stream, 'StasisStart', (e) => e.channel.id === 'cli-1');
      const ch = await client.channels.originate({
        endpoint: 'Local/echo@default',
        app: 't',
        appArgs: 'a,b',
        channelId: 'cli-1',
      });
      assert.equal(ch.id, 'cli-1');
      const start = await started;
      assert.deepEqual(start.args, ['a', 'b']);
      assert.equal(start.application, 't');

      await client.channels.answer({ channelId: ch.id });
      assert.equal((await client.channels.get({ channelId: ch.id })).state, 'Up');
      await client.channels.setChannelVar({ channelId: ch.id, variable: 'GREETING', value: 'hello, world' });
      const greeting = await client.channels.getChannelVar({ channelId: ch.id, variable: 'GREETING' });
      assert.equal(greeting.value, 'hello, world');

      const destroyed = nextEvent(stream, 'ChannelDestroyed', (e) => e.channel.id === ch.id);
      await client.channels.hangup({ channelId: ch.id, reason: 'busy' });
      const end = await destroyed;
      assert.equal(end.cause, 17); // Q.850 17 User busy
      assert.ok(!(await client.channels.list()).some((c) => c.id === ch.id));
    } finally {
      stream.close();
    }
  },
);

test('an unknown channel is an AriClientError with status 404 and the server message', async () => {
  const err = await client.channels.get({ channelId: 'no-such-channel' }).then(
    () => assert.fail('resolved'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AriClientError);
  assert.equal(err.status, 404);
  assert.equal(err.message, 'Channel not found');
  assert.deepEqual(err.body, { message: 'Channel not found' });
  await assert.rejects(client.channels.answer({ channelId: 'no-such-channel' }), { status: 404 });
});

/** A TCP relay to the server whose connections can be cut, like a network path going down. */
async function relay(port: number): Promise<{ url: string; cut(): void; server: Server }> {
  const pairs = new Set<[Socket, Socket]>();
  const srv = createServer((inbound) => {
    const outbound = connect(port, '127.0.0.1');
    const pair: [Socket, Socket] = [inbound, outbound];
    pairs.add(pair);
    const drop = (): void => {
      inbound.destroy();
      outbound.destroy();
      pairs.delete(pair);
    };
    inbound.on('error', drop).on('close', drop);
    outbound.on('error', drop).on('close', drop);
    inbound.pipe(outbound).pipe(inbound);
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    server: srv,
    cut() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
    },
  };
}

test('an events socket cut on the way is reopened and the app receives events again', { timeout: 15_000 }, async () => {
  const path = await relay(Number(new URL(server.url).port));
  const viaRelay = createAriClient({
    url: path.url,
    username: 'asterisk',
    password: 'asterisk',
    reconnect: { initialMs: 50, maxMs: 400 },
  });
  const stream = viaRelay.events(['t2']);
  try {
    await stream.ready();
    assert.equal(stream.connections, 1);
    path.cut();
    await once(path.server, 'connection'); // the client dialled again after its backoff
    await stream.ready();
    assert.equal(stream.connections, 2);

    const iterator = stream[Symbol.asyncIterator]();
    await client.channels.originate({ endpoint: 'Local/echo@default', app: 't2', channelId: 'cli-2' });
    let start: EventOf<'StasisStart'> | undefined;
    while (!start) {
      const { value, done } = await iterator.next();
      assert.ok(!done);
      if (value.type === 'StasisStart' && value.channel.id === 'cli-2') start = value;
    }
    assert.deepEqual(start.args, []);
    await client.channels.hangup({ channelId: 'cli-2' });
  } finally {
    stream.close();
    path.cut();
    await new Promise((resolve) => path.server.close(resolve));
  }
});
