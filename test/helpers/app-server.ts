/**
 * The usual e2e setup: a test server (with the given config files) and one application's events socket on it.
 *
 *   let server: TestServer;
 *   let events: EventSocket;
 *   before(async () => ({ server, events } = await openAppServer(APP, FILES)));
 *   after(() => closeAppServer(server, events));
 */
import { EventSocket } from './ari.js';
import { startTestServer, type TestServer } from './server.js';

export async function openAppServer(
  app: string,
  files?: Readonly<Record<string, string>>,
): Promise<{ server: TestServer; events: EventSocket }> {
  const server = await startTestServer(files);
  return { server, events: await EventSocket.open(server, app) };
}

export async function closeAppServer(server: TestServer, events: EventSocket): Promise<void> {
  events.close();
  await server.close();
}
