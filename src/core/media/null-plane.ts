import { PlaneClient, type MediaPlane } from './media-plane.js';
import type { FromPlane } from './media-protocol.js';

/**
 * A media plane with no media: every channel's media opens at once and stays silent. The core starts with it
 * until app.ts wires the real plane (unit tests of the core use it as is).
 */
export function nullMediaPlane(): MediaPlane {
  const view = new Float64Array(0);
  const client: PlaneClient = new PlaneClient({
    workerCount: 1,
    post: (_worker, message) => {
      if (!('req' in message)) return;
      const reply: FromPlane = { id: message.id, req: message.req, reply: { ok: true } };
      queueMicrotask(() => client.receive(reply));
    },
    statsView: () => view,
  });
  return client;
}
