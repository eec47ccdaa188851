import { CoreError, channelNotFound } from '../errors.js';
import type { Channel } from './channel.js';

/** Asterisk rejects client-chosen unique ids longer than this (AST_MAX_PUBLIC_UNIQUEID). */
export const MAX_CHANNEL_ID_LENGTH = 149;

/** All live channels by unique id and by name; allocates `<epoch>.<seq>` unique ids. */
export class ChannelRegistry {
  readonly #byId = new Map<string, Channel>();
  readonly #byName = new Map<string, Channel>();
  #seq = 0;

  /** A fresh uniqueid: `<unix seconds>.<sequence>` like `ast_channel_alloc` without a systemname. */
  allocateId(): string {
    let id: string;
    do id = `${Math.floor(Date.now() / 1000)}.${this.#seq++}`;
    while (this.#byId.has(id));
    return id;
  }

  isInUse(id: string): boolean {
    return this.#byId.has(id);
  }

  /** 409 "Channel with given unique ID already exists" (semantics.md §6.1) when any id is taken. */
  assertIdsFree(ids: readonly string[]): void {
    for (const id of ids) {
      if (id.length > MAX_CHANNEL_ID_LENGTH) throw new CoreError('BAD_REQUEST', 'Channel ID too long');
      if (this.#byId.has(id)) throw new CoreError('CHANNEL_ID_IN_USE', 'Channel with given unique ID already exists');
    }
  }

  add(channel: Channel): void {
    this.#byId.set(channel.id, channel);
    this.#byName.set(channel.name, channel);
  }

  remove(channel: Channel): void {
    if (this.#byId.get(channel.id) === channel) this.#byId.delete(channel.id);
    if (this.#byName.get(channel.name) === channel) this.#byName.delete(channel.name);
  }

  get(id: string): Channel | undefined {
    return this.#byId.get(id);
  }

  /** By uniqueid or by name, as `ast_channel_get_by_name` accepts both (§6.1). */
  getByIdOrName(idOrName: string): Channel | undefined {
    return this.#byId.get(idOrName) ?? this.#byName.get(idOrName);
  }

  require(id: string): Channel {
    const channel = this.#byId.get(id);
    if (!channel) throw channelNotFound();
    return channel;
  }

  list(): IterableIterator<Channel> {
    return this.#byId.values();
  }

  get size(): number {
    return this.#byId.size;
  }
}
