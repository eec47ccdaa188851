import type { Channel } from '../../core/channel/channel.js';
import type { ChannelTech } from '../../core/channel/channel-tech.js';
import type { ControlIndication, Frame } from '../../core/frame.js';
import { startMusicOnHold, stopMusicOnHold } from '../../core/media/moh-control.js';
import type { DialplanPort } from '../../core/ports.js';

/**
 * One half of a Local channel pair (core_unreal.c / chan_local.c). What is written to one half is read
 * from the other: frames, DTMF and indications cross over; answering `;2` answers `;1`; hanging up one
 * half queues a hangup with the same cause on the other.
 */
export class LocalHalf implements ChannelTech {
  readonly technology = 'Local';
  peer: Channel | undefined;

  constructor(
    private readonly pair: LocalPair,
    readonly side: 1 | 2,
  ) {}

  call(channel: Channel): { ok: true } | { ok: false; cause: number } {
    return this.pair.call(channel);
  }

  answer(): void {
    // Only the `;2` side answers for real; `;1` goes Up when it reads the answer (dial.c).
    if (this.side === 2) this.peer?.receive({ kind: 'control', indication: 'answer' });
  }

  hangup(channel: Channel): void {
    const peer = this.peer;
    this.peer = undefined;
    const peerTech = peer?.tech;
    if (peerTech instanceof LocalHalf) peerTech.peer = undefined;
    if (!peer || peer.isDestroyed) return;
    // A `;2` whose dialplan never started has nothing to run its hangup: it goes with `;1` (chan_local releases
    // an unlaunched `;2` itself), as after a /channels/create that was never dialed.
    if (this.side === 1 && !this.pair.isLaunched) {
      if (peer.hangupCause === 0) peer.hangupCause = channel.hangupCause;
      peer.destroy();
      return;
    }
    peer.queueHangup(channel.hangupCause);
  }

  indicate(channel: Channel, indication: ControlIndication): void {
    // core_unreal.c: a Local channel plays music on hold itself on hold/unhold (the music reaches the other half
    // as audio), unless it was made with the `m` option, which passes the indication on.
    if ((indication === 'hold' || indication === 'unhold') && this.pair.interceptsMoh) {
      if (indication === 'hold') startMusicOnHold(channel);
      else stopMusicOnHold(channel);
      return;
    }
    this.peer?.receive({ kind: 'control', indication });
  }

  write(_channel: Channel, frame: Frame): void {
    this.peer?.receive(frame);
  }
}

/** The two halves and the dialplan location `;2` runs when `;1` is called. */
export class LocalPair {
  readonly one: LocalHalf = new LocalHalf(this, 1);
  readonly two: LocalHalf = new LocalHalf(this, 2);
  /** Hold is answered with music on hold here (cleared by the `m` option). */
  interceptsMoh = true;
  /** Whether `;2` has started its dialplan (a call on `;1` got through). */
  isLaunched = false;
  outbound!: Channel;
  inbound!: Channel;

  constructor(
    readonly exten: string,
    readonly context: string,
    private readonly dialplan: () => DialplanPort,
  ) {}

  link(outbound: Channel, inbound: Channel): void {
    this.outbound = outbound;
    this.inbound = inbound;
    this.one.peer = inbound;
    this.two.peer = outbound;
  }

  /**
   * `ast_call` on `;1`: the extension must exist (else both halves go with cause 0 and no Dial event —
   * trace s5 `z1`); caller id and variables are copied to `;2`, whose dialplan then starts.
   */
  call(channel: Channel): { ok: true } | { ok: false; cause: number } {
    const inbound = this.inbound;
    if (channel !== this.outbound || inbound.isDestroyed) return { ok: false, cause: 0 };
    const dialplan = this.dialplan();
    if (!dialplan.exists(this.context, this.exten, 1)) {
      this.two.peer = undefined;
      this.one.peer = undefined;
      inbound.destroy();
      return { ok: false, cause: 0 };
    }
    const out = this.outbound;
    // Both identities are copied before either event goes out: ChannelCallerId on `;2` already shows the
    // connected line (trace s5 `z3;2`).
    const hasCaller = out.caller.name !== '' || out.caller.number !== '';
    const hasConnected = out.connected.name !== '' || out.connected.number !== '';
    Object.assign(inbound.caller, out.caller);
    Object.assign(inbound.connected, out.connected);
    inbound.touch();
    if (hasCaller) inbound.setCaller({});
    if (hasConnected) inbound.setConnected({});
    for (const [name, value] of out.vars) inbound.setVariable(name, value);
    this.isLaunched = true;
    setImmediate(() => void dialplan.run(inbound, { context: this.context, exten: this.exten, priority: 1 }));
    return { ok: true };
  }
}
