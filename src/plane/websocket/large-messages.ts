/**
 * The app's BINARY messages under `l` (messages of any size, not in Asterisk). Asterisk takes at most one
 * 65,535-byte WebSocket frame (65,527 bytes of payload from a client); a bigger message closes the socket with
 * 1009 and hangs up the call. With `l` the socket takes messages up to LARGE_MEDIA_MESSAGE_BYTES and they go
 * through the queue's ordinary rules: cut into optimal-size (20 ms) frames, a message refused whole when the
 * queue already holds QUEUE_LENGTH_MAX frames, XOFF at 900 frames. The one difference from Asterisk's rules is
 * that a refused message is answered with an ERROR event instead of being dropped silently.
 *
 * In passthrough (frame size 0) each message is one frame; a message above Asterisk's limit would be one frame of
 * seconds, so it is cut into 20 ms frames of the channel's codec instead, each queued under the same rule.
 */
import { MAX_MEDIA_MESSAGE_BYTES } from '../../core/media/websocket-protocol.js';
import type { ControlEvent } from './control-codec.js';
import { QUEUE_LENGTH_MAX, type MediaQueue } from './media-queue.js';

/** Where the ERROR goes. */
export interface ErrorSink {
  sendEvent(event: ControlEvent): void;
}

/**
 * Queue one message; `chunkBytes` is the codec's 20 ms frame (used in passthrough). Returns the bytes refused (0
 * when everything was queued), having told the app about them.
 */
export function queueLargeMessage(queue: MediaQueue, data: Uint8Array, chunkBytes: number, app: ErrorSink): number {
  let refused = 0;
  if (queue.frameBytes > 0 || data.length <= MAX_MEDIA_MESSAGE_BYTES) {
    if (!queue.push(data)) refused = data.length;
  } else {
    for (let at = 0; at < data.length; at += chunkBytes) {
      if (queue.push(data.subarray(at, at + chunkBytes))) continue;
      refused = data.length - at;
      break;
    }
  }
  if (refused > 0) {
    app.sendEvent({
      event: 'ERROR',
      text: `Media message dropped: ${refused} of ${data.length} bytes refused, the queue is full (${QUEUE_LENGTH_MAX} frames)`,
    });
  }
  return refused;
}
