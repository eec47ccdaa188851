/**
 * A socket whose writes stall: Asterisk gives each media WebSocket write a timeout (100 ms for sockets the app
 * opened, `connection_timeout` for client connections) and closes the socket with 1011 when it expires. Node
 * never blocks a write: what the kernel did not take waits in the socket's buffer (`bufferedAmount`). The buffer
 * is empty again within a frame on any link fast enough for the stream, so output that has waited continuously
 * for longer than the timeout is the same condition as Asterisk's expired write.
 */
export class WriteStall {
  /** When the buffered output was first seen waiting (ms), undefined while it drains between checks. */
  #since: number | undefined;

  constructor(readonly timeoutMs: number) {}

  /** Call after each write with the socket's buffered bytes; true once the output has waited too long. */
  check(bufferedAmount: number, nowMs: number): boolean {
    if (bufferedAmount === 0) {
      this.#since = undefined;
      return false;
    }
    this.#since ??= nowMs;
    return nowMs - this.#since > this.timeoutMs;
  }
}
