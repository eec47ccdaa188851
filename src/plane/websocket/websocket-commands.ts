/**
 * chan_websocket's commands (handle_command, 22.10.1): what each does to the queue and the call, and which are
 * refused in passthrough or while the app's media direction is `in` — refused with an ERROR event in Asterisk's
 * words (`<CMD> not supported in passthrough mode`, `<CMD> not supported while media direction is 'in'`). Names
 * are case-sensitive; an unknown one is ignored, as Asterisk only logs it.
 *
 * With `r` (not in Asterisk) FLUSH_MEDIA answers every marker it drops, in queue order, with the event the marker
 * would have produced once played — Twilio's `clear` echoes the marks it discards the same way, so an app waiting
 * for a mark is never left waiting. Asterisk drops them without a word.
 */
import type { ControlMessageFormat, WebSocketMediaDirection } from '../../core/media/websocket-protocol.js';
import type { ControlCommand, ControlEvent } from './control-codec.js';
import type { MediaQueue, QueueMarker } from './media-queue.js';

/** What a command acts on (the edge). */
export interface CommandTarget {
  readonly queue: MediaQueue;
  readonly passthrough: boolean;
  readonly format: ControlMessageFormat;
  /** `r`: FLUSH_MEDIA reports the markers it drops. */
  readonly reportFlushedMarks: boolean;
  direction: WebSocketMediaDirection;
  sendEvent(event: ControlEvent): void;
  status(): ControlEvent;
  answer(): void;
  hangup(): void;
}

const DIRECTIONS: readonly string[] = ['both', 'in', 'out'] satisfies WebSocketMediaDirection[];

/** The event a marker produces: when the audio before it has played, or (with `r`) when FLUSH drops it. */
export function markerEvent(m: QueueMarker): ControlEvent {
  return { event: m.kind === 'mark' ? 'MEDIA_MARK_PROCESSED' : 'MEDIA_BUFFERING_COMPLETED', correlationId: m.id };
}

export function runCommand(t: CommandTarget, command: ControlCommand): void {
  const { name, arg } = command;
  const error = (text: string): void => t.sendEvent({ event: 'ERROR', text });
  /** The ERROR for a command refused in passthrough or with direction `in`; undefined when it may run. */
  const refused = (checkDirection: boolean): boolean => {
    if (t.passthrough) error(`${name} not supported in passthrough mode`);
    else if (checkDirection && t.direction === 'in') error(`${name} not supported while media direction is 'in'`);
    else return false;
    return true;
  };
  switch (name) {
    case 'ANSWER':
      t.answer();
      return;
    case 'HANGUP':
      t.hangup();
      return;
    case 'START_MEDIA_BUFFERING':
      if (!refused(true)) t.queue.startBuffering();
      return;
    case 'STOP_MEDIA_BUFFERING':
      if (!refused(true)) t.queue.stopBuffering(arg);
      return;
    case 'MARK_MEDIA':
      if (!refused(true)) t.queue.mark(arg);
      return;
    case 'FLUSH_MEDIA': {
      if (refused(false)) return;
      const dropped = t.queue.flush();
      if (t.reportFlushedMarks) for (const marker of dropped) t.sendEvent(markerEvent(marker));
      return;
    }
    case 'REPORT_QUEUE_DRAINED':
      if (!refused(false)) t.queue.reportDrained();
      return;
    case 'GET_STATUS':
      t.sendEvent(t.status());
      return;
    case 'PAUSE_MEDIA':
      if (!refused(true)) t.queue.pause();
      return;
    case 'CONTINUE_MEDIA':
      if (!refused(true)) t.queue.resume();
      return;
    case 'SET_MEDIA_DIRECTION':
      if (refused(false)) return;
      // These three texts end with a newline in Asterisk.
      if (t.format !== 'json') return error(`${name} only supports JSON format.\n`);
      if (command.direction === undefined) return error(`${name} requires a 'direction' parameter.\n`);
      if (!DIRECTIONS.includes(command.direction)) {
        return error(`'${command.direction}' is not a valid direction for ${name}.\n`);
      }
      t.direction = command.direction as WebSocketMediaDirection;
      return;
    default:
      return;
  }
}
