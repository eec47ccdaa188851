// A WebSocket edge between a media channel and a recording socket, for the edge's plane tests (chan_websocket's
// protocol, Switchyard's additions, Twilio mode): what the edge sends is kept, what it writes to the channel's
// link is captured frame by frame.
import type { WebSocketEdgeSpec, WebSocketEvent } from '../../src/core/media/websocket-protocol.js';
import { MediaChannel, type MediaChannelHost } from '../../src/plane/media-channel.js';
import type { LinkTarget } from '../../src/plane/pipeline.js';
import type { MediaSocketPort } from '../../src/plane/websocket/media-socket.js';
import { WebSocketEdge } from '../../src/plane/websocket/websocket-edge.js';

const HOST: MediaChannelHost = { setClocked: () => {}, sourceEnded: () => {} };

export class RecordingSocket implements MediaSocketPort {
  readonly sent: (Uint8Array | string)[] = [];
  closedWith: number | undefined;
  allocate(n: number): Uint8Array {
    return new Uint8Array(n);
  }
  send(data: Uint8Array | string): void {
    this.sent.push(typeof data === 'string' ? data : Uint8Array.from(data));
  }
  close(code: number): void {
    this.closedWith = code;
  }
  get texts(): string[] {
    return this.sent.filter((m): m is string => typeof m === 'string');
  }
  get binaries(): Uint8Array[] {
    return this.sent.filter((m): m is Uint8Array => typeof m !== 'string');
  }
}

export class Capture implements LinkTarget {
  readonly frames: Int16Array[] = [];
  writeLinked(samples: Int16Array): void {
    this.frames.push(Int16Array.from(samples));
  }
}

/** The spec every test starts from: slin16, plain-text control, both directions, a server-mode connection. */
export const BASE_SPEC: WebSocketEdgeSpec = {
  kind: 'websocket',
  codec: 'slin16',
  passthrough: false,
  controlFormat: 'plain-text',
  direction: 'both',
  connectionId: 'conn-1',
  channelName: 'WebSocket/INCOMING/0x7f0000001000',
  channelId: '1700000000.1',
};

/** An edge on channel 1 with `socket` attached and its link captured. */
export function edgeHarness<S extends RecordingSocket>(socket: S, overrides: Partial<WebSocketEdgeSpec> = {}) {
  const channel = new MediaChannel(1, HOST);
  const events: WebSocketEvent[] = [];
  const edge = new WebSocketEdge(channel, { ...BASE_SPEC, ...overrides }, (e) => events.push(e));
  channel.edge = edge;
  const capture = new Capture();
  channel.link = capture;
  edge.attach(socket);
  return { edge, channel, events, socket, capture };
}
