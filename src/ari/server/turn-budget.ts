/**
 * A budget of state-changing requests per event-loop turn. Under a flood (hundreds of originates in flight) one
 * turn would otherwise run every ready request before the loop looks at its sockets again, and a fresh
 * connection — an operator's ping, a health check — would wait behind all of them. Requests past the budget
 * wait for the next turn (setImmediate runs after the loop has polled its sockets), in arrival order; reads
 * (GET) do not wait at all, so the server's view stays available while it sheds the load.
 */
export class TurnBudget {
  #usedThisTurn = 0;
  #resetScheduled = false;
  readonly #waiting: (() => void)[] = [];

  constructor(private readonly perTurn: number) {}

  /** Resolves at once while this turn's budget lasts, else on a later turn. */
  enter(): Promise<void> | undefined {
    this.#scheduleReset();
    if (this.#waiting.length === 0 && this.#usedThisTurn < this.perTurn) {
      this.#usedThisTurn++;
      return undefined;
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #scheduleReset(): void {
    if (this.#resetScheduled) return;
    this.#resetScheduled = true;
    setImmediate(this.#nextTurn);
  }

  readonly #nextTurn = (): void => {
    this.#resetScheduled = false;
    this.#usedThisTurn = 0;
    while (this.#waiting.length > 0 && this.#usedThisTurn < this.perTurn) {
      this.#usedThisTurn++;
      this.#waiting.shift()!();
    }
    if (this.#waiting.length > 0) this.#scheduleReset();
  };
}
