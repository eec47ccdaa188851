/*
 * Which source an RTP session listens to — Asterisk's `strictrtp` with `probation`, and the address symmetric
 * RTP (`rtp_symmetric`) answers to.
 *
 * Strict: the session starts learning (again whenever the SDP gives a new remote address). While learning it
 * accepts packets from the SDP address (or from anyone when it has none); a source whose packets arrive
 * `probation` times in a row with consecutive sequence numbers is locked, and from then on packets from
 * any other address or port are dropped. Not strict: every packet is accepted and the latest source wins.
 */

type State = 'open' | 'learning' | 'locked';

export class SourceLatch {
  #state: State;
  #expectedAddress = '';
  #expectedPort = 0;
  // the source being learned
  #candidateAddress = '';
  #candidatePort = 0;
  #candidateSeq = 0;
  #candidateCount = 0;
  // the source answered to (locked, or the latest accepted)
  #sourceAddress = '';
  #sourcePort = 0;

  constructor(
    readonly isStrict: boolean,
    readonly probation: number,
  ) {
    this.#state = isStrict ? 'learning' : 'open';
  }

  /** The SDP's remote address: strict sessions learn again. */
  expect(address: string, port: number): void {
    this.#expectedAddress = address;
    this.#expectedPort = port;
    this.#candidateCount = 0;
    if (this.isStrict) this.#state = 'learning';
  }

  /** Whether to accept a packet from `address`:`port` with RTP sequence number `seq`. */
  accept(address: string, port: number, seq: number): boolean {
    switch (this.#state) {
      case 'open':
        this.#answerTo(address, port);
        return true;
      case 'locked':
        return address === this.#sourceAddress && port === this.#sourcePort;
      case 'learning':
        return this.#learn(address, port, seq);
    }
  }

  get isLocked(): boolean {
    return this.#state === 'locked';
  }

  /** Where symmetric RTP sends: the locked or latest accepted source; undefined before any packet. */
  get sourceAddress(): string | undefined {
    return this.#sourcePort === 0 ? undefined : this.#sourceAddress;
  }

  get sourcePort(): number {
    return this.#sourcePort;
  }

  #learn(address: string, port: number, seq: number): boolean {
    const isCandidate = this.#candidateCount > 0 && address === this.#candidateAddress && port === this.#candidatePort;
    if (isCandidate && seq === ((this.#candidateSeq + 1) & 0xffff)) {
      this.#candidateCount++;
    } else {
      this.#candidateAddress = address;
      this.#candidatePort = port;
      this.#candidateCount = 1;
    }
    this.#candidateSeq = seq;
    if (this.#candidateCount >= this.probation) {
      this.#state = 'locked';
      this.#answerTo(address, port);
      return true;
    }
    const isExpected = this.#expectedPort === 0 || (address === this.#expectedAddress && port === this.#expectedPort);
    if (isExpected) this.#answerTo(address, port);
    return isExpected;
  }

  #answerTo(address: string, port: number): void {
    this.#sourceAddress = address;
    this.#sourcePort = port;
  }
}
