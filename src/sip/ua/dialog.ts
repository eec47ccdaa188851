// RFC 3261 §12: a dialog — the peer-to-peer relationship an INVITE sets up. It holds what every later request in
// it needs: Call-ID, both tags, both URIs, the remote target (the peer's Contact), the route set and the two CSeq
// spaces. UAS dialogs come from the INVITE (§12.1.1), UAC dialogs from a 1xx/2xx with a To tag (§12.1.2).

import type { NameAddr } from '../message/header-values.js';
import type { SipMessage, SipRequest, SipResponse } from '../message/sip-message.js';
import type { RequestSpec } from './message-builder.js';
import { nameAddr } from './message-builder.js';

/** The key dialogs are found by: Call-ID, local tag, remote tag (§12). */
export function dialogId(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}\u0000${localTag}\u0000${remoteTag}`;
}

/** The first Contact URI of a message, if it has a valid one. */
export function contactUri(msg: SipMessage): string | undefined {
  const c = msg.contacts();
  if (!c.ok || c.value === '*' || c.value.length === 0) return undefined;
  return c.value[0]!.uri;
}

function recordRoute(msg: SipMessage): string[] {
  const rr = msg.nameAddrs('record-route');
  if (!rr.ok) return [];
  return rr.value.map((a) => `<${a.uri}>`);
}

/** A random initial CSeq, 1–32767 as Asterisk's pjsip picks it (sip-reference §4.1). */
export function initialCSeq(): number {
  return 1 + Math.floor(Math.random() * 32767);
}

export class Dialog {
  remoteTarget: string;
  localSeq: number;
  remoteSeq: number | undefined;

  private constructor(
    readonly callId: string,
    readonly localTag: string,
    public remoteTag: string,
    /** Our URI and display name (From of our requests), without a tag. */
    readonly local: NameAddr,
    /** The peer's URI and display name (To of our requests), without a tag. */
    readonly remote: NameAddr,
    remoteTarget: string,
    /** Route headers for requests in the dialog, in order (§12.2.1.1). */
    readonly routeSet: readonly string[],
    localSeq: number,
    remoteSeq: number | undefined,
  ) {
    this.remoteTarget = remoteTarget;
    this.localSeq = localSeq;
    this.remoteSeq = remoteSeq;
  }

  get id(): string {
    return dialogId(this.callId, this.localTag, this.remoteTag);
  }

  /** §12.1.1: the UAS side, from the INVITE it answers with `localTag`. */
  static uas(invite: SipRequest, localTag: string): Dialog {
    return new Dialog(
      invite.callId,
      localTag,
      invite.fromTag ?? '',
      nameAddr(invite.to.uri, invite.to.displayName),
      nameAddr(invite.from.uri, invite.from.displayName),
      contactUri(invite) ?? invite.from.uri,
      recordRoute(invite),
      initialCSeq(),
      invite.cseq.seq,
    );
  }

  /** §12.1.2: the UAC side, from our INVITE and a response with a To tag. */
  static uac(invite: SipRequest, res: SipResponse): Dialog {
    return new Dialog(
      invite.callId,
      invite.fromTag ?? '',
      res.toTag ?? '',
      nameAddr(invite.from.uri, invite.from.displayName),
      nameAddr(invite.to.uri, invite.to.displayName),
      contactUri(res) ?? invite.uri,
      recordRoute(res).reverse(),
      invite.cseq.seq,
      undefined,
    );
  }

  /** §12.2.1.2: a 2xx (or a target-refresh request) may move the remote target and, for a UAC, fix the route set. */
  refreshTarget(msg: SipMessage): void {
    const uri = contactUri(msg);
    if (uri !== undefined) this.remoteTarget = uri;
  }

  /**
   * §12.2.2: a request whose CSeq is below the last one seen is out of order (answered 500); otherwise it is
   * remembered. Returns false for an out-of-order request.
   */
  acceptRemoteCSeq(req: SipRequest): boolean {
    if (req.method === 'ACK' || req.method === 'CANCEL') return true;
    if (this.remoteSeq !== undefined && req.cseq.seq <= this.remoteSeq) return false;
    this.remoteSeq = req.cseq.seq;
    return true;
  }

  /**
   * §12.2.1.1: the parts of a new request in the dialog (the caller adds the Via). Loose routing only: the
   * Request-URI is the remote target and the route set goes into Route headers. ACK for a 2xx reuses the
   * INVITE's CSeq number (`cseq`), everything else takes the next one.
   */
  request(method: string, cseq?: number): Omit<RequestSpec, 'via'> {
    const seq = cseq ?? ++this.localSeq;
    return {
      method,
      uri: this.remoteTarget,
      from: nameAddr(this.local.uri, this.local.displayName, this.localTag),
      to: nameAddr(this.remote.uri, this.remote.displayName, this.remoteTag === '' ? undefined : this.remoteTag),
      callId: this.callId,
      cseq: seq,
      routes: this.routeSet,
    };
  }

  /** Where a request in the dialog goes first: the first route if any, else the remote target. */
  nextHop(): string {
    const first = this.routeSet[0];
    if (first === undefined) return this.remoteTarget;
    return first.startsWith('<') ? first.slice(1, first.indexOf('>')) : first;
  }
}
