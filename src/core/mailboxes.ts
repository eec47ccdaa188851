/** The Mailbox model: message counts an ARI application keeps for a mailbox (an MWI source). */
export interface Mailbox {
  readonly name: string;
  readonly old_messages: number;
  readonly new_messages: number;
}

/** ARI-controlled mailboxes (res_stasis_mailbox.c). */
export class Mailboxes {
  readonly #boxes = new Map<string, Mailbox>();

  list(): Mailbox[] {
    return [...this.#boxes.values()];
  }

  get(name: string): Mailbox | undefined {
    return this.#boxes.get(name);
  }

  update(name: string, oldMessages: number, newMessages: number): void {
    this.#boxes.set(name, { name, old_messages: oldMessages, new_messages: newMessages });
  }

  /** False when there was no such mailbox. */
  delete(name: string): boolean {
    return this.#boxes.delete(name);
  }
}
