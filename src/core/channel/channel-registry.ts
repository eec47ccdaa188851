import { CoreError, channelNotFound } from '../errors.js';
import type { Channel } from './channel.js';

/**
 * Channel ids and names are compared without regard to case, as Asterisk's channel storage hashes and compares
 * them (strcasecmp): `GET /channels/ABC` finds channel `abc`, and an originate asking for `ABC` while `abc` lives
 * is 409. The key is the lower-cased text; the channel keeps the spelling it was given.
 */
const key = (idOrName: string): string => idOrName.toLowerCase();

/** All live channels by unique id and by name; allocates `<epoch>.<seq>` unique ids. */
export class ChannelRegistry {
  readonly #byId = new Map<string, Channel>();
  readonly #byName = new Map<string, Channel>();
  #seq = 0;

  /** asterisk.conf `systemname`: when set, it prefixes the unique ids (`<systemname>-<epoch>.<seq>`). */
  systemName = '';

  /** A fresh uniqueid: `<unix seconds>.<sequence>`, after `<systemname>-` when there is one (ast_channel_alloc). */
  allocateId(): string {
    const prefix = this.systemName === '' ? '' : `${this.systemName}-`;
    let id: string;
    do id = `${prefix}${Math.floor(Date.now() / 1000)}.${this.#seq++}`;
    while (this.#byId.has(key(id)));
    return id;
  }

  isInUse(id: string): boolean {
    return this.#byId.has(key(id));
  }

  /**
   * 409 "Channel with given unique ID already exists" (semantics.md §6.1) when any id is taken, by a live channel
   * or by an earlier id of the same request: Asterisk allocates the first half before it checks the second, so
   * `channelId` equal to `otherChannelId` (in any case) conflicts too.
   */
  assertIdsFree(ids: readonly string[]): void {
    const asked = new Set<string>();
    for (const id of ids) {
      const k = key(id);
      if (this.#byId.has(k) || asked.has(k)) {
        throw new CoreError('CHANNEL_ID_IN_USE', 'Channel with given unique ID already exists');
      }
      asked.add(k);
    }
  }

  add(channel: Channel): void {
    this.#byId.set(key(channel.id), channel);
    this.#byName.set(key(channel.name), channel);
  }

  remove(channel: Channel): void {
    if (this.#byId.get(key(channel.id)) === channel) this.#byId.delete(key(channel.id));
    if (this.#byName.get(key(channel.name)) === channel) this.#byName.delete(key(channel.name));
  }

  get(id: string): Channel | undefined {
    return this.#byId.get(key(id));
  }

  /** By uniqueid or by name, as `ast_channel_get_by_name` accepts both (§6.1). */
  getByIdOrName(idOrName: string): Channel | undefined {
    const k = key(idOrName);
    return this.#byId.get(k) ?? this.#byName.get(k);
  }

  require(id: string): Channel {
    const channel = this.#byId.get(key(id));
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
