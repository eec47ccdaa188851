/**
 * The BYEs sent and not yet answered, so that a shutdown can wait for the peers' 200s (bounded) before it
 * closes the transports: a BYE lost with the process leaves the peer's call up until its own timers end it.
 */
export class PendingByes {
  #count = 0;
  #waiters: Array<() => void> = [];

  get count(): number {
    return this.#count;
  }

  /** One BYE on its way; call the returned function (any number of times) once it is answered or timed out. */
  add(): () => void {
    this.#count++;
    let isDone = false;
    return () => {
      if (isDone) return;
      isDone = true;
      this.#count--;
      if (this.#count > 0) return;
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const w of waiters) w();
    };
  }

  /** Resolves when no BYE is waiting for its answer, or after `timeoutMs`, whichever comes first. */
  whenAnswered(timeoutMs: number): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(finish, timeoutMs);
      const waiter = (): void => finish();
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#waiters.push(waiter);
    });
  }
}
