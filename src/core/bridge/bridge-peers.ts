import type { Channel } from '../channel/channel.js';

/** set_bridge_peer_vars_multiparty names at most this many other members. */
const MAX_PEER_NAMES = 10;

/**
 * Everyone standing in a bridge, in the order of Asterisk's bridge channel list — the members ARI sees and the
 * bridge's own media channels (announcer, MOH announcer, recorder) it does not — and the BRIDGEPEER and
 * BRIDGEPVTCALLID variables that order decides (bridge.c set_bridge_peer_vars, run on every reconfiguration).
 *
 * A join appends. When the join or leave changes the bridge's technology (smart_bridge_operation), the
 * channels already there are moved behind the ones that just joined, so a third party entering a two-party
 * bridge is named first in the others' BRIDGEPEER (trace s4: `Announcer/ARI-00000008;2,Local/…`).
 */
export class BridgePeers {
  readonly #order: Channel[] = [];
  readonly #justJoined = new Set<Channel>();
  #technology: string | undefined;

  /** How many channels stand in the bridge, hidden ones included (what the smart bridge counts). */
  get count(): number {
    return this.#order.length;
  }

  join(channel: Channel): void {
    if (this.#order.includes(channel)) return;
    this.#order.push(channel);
    this.#justJoined.add(channel);
  }

  leave(channel: Channel): void {
    const at = this.#order.indexOf(channel);
    if (at !== -1) this.#order.splice(at, 1);
    this.#justJoined.delete(channel);
    // A channel leaving has its BRIDGEPEER cleared first; those who stay keep theirs until reconfigured (s4).
    clear(channel);
  }

  /** bridge_reconfigured: the technology may have changed; every member's peer variables are set again. */
  reconfigured(technology: string): void {
    if (this.#technology !== undefined && technology !== this.#technology) {
      const joined = this.#order.filter((c) => this.#justJoined.has(c));
      const stayed = this.#order.filter((c) => !this.#justJoined.has(c));
      this.#order.splice(0, this.#order.length, ...joined, ...stayed);
    }
    this.#technology = technology;
    this.#justJoined.clear();
    if (technology === 'holding_bridge') {
      for (const member of this.#order) clear(member);
      return;
    }
    if (this.#order.length < 2) return;
    if (this.#order.length === 2) {
      const [first, last] = this.#order as [Channel, Channel];
      setPeer(first, last.name, pvtId(last));
      setPeer(last, first.name, pvtId(first));
      return;
    }
    const names = this.#order.slice(0, MAX_PEER_NAMES + 1).map((c) => c.name);
    this.#order.forEach((member, at) => {
      // Members past the named ones get the list the last named member got.
      const skip = Math.min(at, names.length - 1);
      setPeer(member, names.filter((_, i) => i !== skip).join(','), undefined);
    });
  }
}

function pvtId(channel: Channel): string | undefined {
  return channel.tech.pvtUniqueId?.(channel);
}

/** ast_bridge_vars_set: both variables set together; an unset one is removed (an event only if it had a value). */
function setPeer(channel: Channel, peer: string, callId: string | undefined): void {
  if (channel.getVariable('BRIDGEPEER') !== peer) channel.setVariable('BRIDGEPEER', peer);
  setOrClear(channel, 'BRIDGEPVTCALLID', callId);
}

function clear(channel: Channel): void {
  setOrClear(channel, 'BRIDGEPEER', undefined);
  setOrClear(channel, 'BRIDGEPVTCALLID', undefined);
}

function setOrClear(channel: Channel, name: string, value: string | undefined): void {
  const old = channel.getVariable(name);
  if (value !== undefined) {
    if (old !== value) channel.setVariable(name, value);
  } else if (old !== undefined && old !== '') channel.setVariable(name, undefined);
}
