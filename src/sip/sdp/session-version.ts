/**
 * The o= line's sess-id and sess-version (RFC 4566 §5.2, RFC 3264 §8), as Asterisk sets them: as offerer one
 * random 32-bit number serves as both; as answerer the id is copied from the remote offer and the version is the
 * remote version + 2 (recorded: offer `53655765 2353687637` → answer `53655765 2353687639`); every later change
 * of our SDP adds 1. Values stay decimal strings with BigInt arithmetic: peers send numbers beyond 2^53.
 */
import { randomBytes } from 'node:crypto';

export class SdpSessionVersion {
  #version: bigint;

  private constructor(
    readonly sessionId: string,
    version: bigint,
  ) {
    this.#version = version;
  }

  /** For our own offer; `random32` is injectable for tests. */
  static forOffer(random32: () => number = () => randomBytes(4).readUInt32BE(0)): SdpSessionVersion {
    const n = BigInt(random32() >>> 0);
    return new SdpSessionVersion(n.toString(), n);
  }

  /** For an answer to the offer whose o= carried `remote` (decimal strings, as parseRemoteSdp gives them). */
  static forAnswer(remote: { readonly sessionId: string; readonly version: string }): SdpSessionVersion {
    const version = /^\d+$/.test(remote.version) ? BigInt(remote.version) + 2n : 0n;
    return new SdpSessionVersion(remote.sessionId, version);
  }

  get version(): string {
    return this.#version.toString();
  }

  /** Our SDP changed (hold answer, new codec, new port): the next o= carries version + 1. */
  bump(): string {
    this.#version += 1n;
    return this.version;
  }
}
