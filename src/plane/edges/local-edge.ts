import type { MediaChannel } from '../media-channel.js';
import type { MediaEdge } from '../pipeline.js';

/**
 * One half of a Local channel pair (core_unreal.c): what is written to this half is read from the other, as a
 * frame queued on the peer. Both halves live in the same worker; the peer is named once both are open.
 */
export class LocalEdge implements MediaEdge {
  readonly rate = 8000;
  peerId: number | undefined;

  constructor(private readonly find: (id: number) => MediaChannel | undefined) {}

  write(samples: Int16Array, timestamp?: number): void {
    if (this.peerId !== undefined) this.find(this.peerId)?.read(samples, timestamp);
  }

  close(): void {}
}

/** A channel without a device: what is written goes nowhere, nothing is read. */
export class NullEdge implements MediaEdge {
  readonly rate = 8000;
  write(): void {}
  close(): void {}
}
