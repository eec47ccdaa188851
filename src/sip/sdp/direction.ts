/**
 * Hold detection and the answer's direction attribute (RFC 3264 §6.1, §8.4; sip-reference §4.7). Asterisk treats
 * a stream as held when the offer says sendonly or inactive, or uses the RFC 2543 form c=0.0.0.0; recvonly is not
 * hold.
 */
import type { MediaDirection, RemoteSdp } from './remote-sdp.js';

/** RFC 2543 hold: a connection address of all zeroes. */
const HOLD_ADDRESS = '0.0.0.0';

export function isHold(remote: RemoteSdp): boolean {
  const audio = remote.audio;
  if (!audio) return false;
  return audio.direction === 'sendonly' || audio.direction === 'inactive' || audio.address === HOLD_ADDRESS;
}

/**
 * The direction we answer with: the mirror of the offer's. An offer with c=0.0.0.0 and no direction (sendrecv
 * by default) is an old-style hold: we answer recvonly, as Asterisk does.
 */
export function answerDirection(remoteDirection: MediaDirection, remoteAddress?: string): MediaDirection {
  switch (remoteDirection) {
    case 'sendonly':
      return 'recvonly';
    case 'recvonly':
      return 'sendonly';
    case 'inactive':
      return 'inactive';
    case 'sendrecv':
      return remoteAddress === HOLD_ADDRESS ? 'recvonly' : 'sendrecv';
  }
}
