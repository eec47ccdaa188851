/**
 * The media plane in the main thread: one engine, the same messages as the workers get, delivered on the next
 * microtask so the order and the asynchrony are those of the worker plane. For tests, tools, and machines where
 * one thread is enough (`media_workers=0`).
 */
import { PlaneClient, type MediaPlane, type PlaneUpdate } from '../core/media/media-plane.js';
import type { FromPlane, ToPlane } from '../core/media/media-protocol.js';
import { MediaEngine } from './engine.js';
import { installFeatures } from './features.js';
import { StatsBlock } from './stats-block.js';
import type { PlaneSettings } from './plane-settings.js';

export function startInlinePlane(settings: PlaneSettings): MediaPlane {
  const stats = new StatsBlock();
  const engine = new MediaEngine((message: FromPlane) => queueMicrotask(() => client.receive(message)), {
    workerIndex: 0,
    workerCount: 1,
    stats,
  });
  // The features hold this object: a reconfigure replaces its fields in place.
  const live: PlaneSettings = { ...settings };
  installFeatures(engine, live);
  const client = new PlaneClient(
    {
      workerCount: 1,
      post: (_worker, message: ToPlane) => queueMicrotask(() => engine.handle(message)),
      statsView: () => stats.view,
    },
    async () => engine.shutdown(),
    undefined,
    (update: PlaneUpdate) =>
      queueMicrotask(() => {
        Object.assign(live, update);
        engine.reconfigured();
      }),
  );
  return client;
}
