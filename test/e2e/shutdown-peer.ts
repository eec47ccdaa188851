// A SIP caller on a raw loopback UDP socket for shutdown.test.ts: it places calls (INVITE with one PCMU offer,
// ACK for the 200), and keeps the server's BYEs unanswered until told to answer them, so that a test can look at
// the server while it waits for those answers.
import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

export interface HeldRequest {
  readonly text: string;
  readonly callId: string;
}

export class ShutdownPeer {
  /** Every SIP message received, as text. */
  readonly inbox: string[] = [];
  #waiters: Array<{ pred: (text: string) => boolean; resolve: (text: string) => void }> = [];
  #cseq = 1;

  private constructor(
    readonly sock: Socket,
    readonly serverPort: number,
  ) {
    sock.on('message', (buf) => {
      const text = buf.toString('latin1');
      this.inbox.push(text);
      this.#waiters = this.#waiters.filter((w) => (w.pred(text) ? (w.resolve(text), false) : true));
    });
  }

  static async open(serverPort: number): Promise<ShutdownPeer> {
    const sock = createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
    return new ShutdownPeer(sock, serverPort);
  }

  next(pred: (text: string) => boolean, ms = 5000): Promise<string> {
    const seen = this.inbox.find(pred);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching SIP message in ${ms} ms`)), ms);
      this.#waiters.push({ pred, resolve: (t) => (clearTimeout(timer), resolve(t)) });
    });
  }

  /** INVITE `exten`; resolves with the call's Call-ID and the final status (a 2xx is ACKed). */
  async call(exten: string): Promise<{ callId: string; status: number; response: string }> {
    const callId = randomUUID();
    const cseq = this.#cseq++;
    const me = this.sock.address().port;
    const sdp =
      'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
      `m=audio ${me + 1} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n`;
    const inviteBranch = `z9hG4bK${randomUUID()}`;
    const head = (method: string, toTag: string, branch = inviteBranch): string =>
      `${method} sip:${exten}@127.0.0.1:${this.serverPort} SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 127.0.0.1:${me};branch=${branch};rport\r\n` +
      `From: <sip:tester@127.0.0.1>;tag=${callId.slice(0, 8)}\r\nTo: <sip:${exten}@127.0.0.1>${toTag}\r\n` +
      `Call-ID: ${callId}\r\nCSeq: ${cseq} ${method}\r\nContact: <sip:tester@127.0.0.1:${me}>\r\nMax-Forwards: 70\r\n`;
    this.send(head('INVITE', '') + `Content-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`);
    const response = await this.next(
      (t) => /^SIP\/2\.0 [2-6]\d\d/.test(t) && t.includes(`Call-ID: ${callId}`) && t.includes(`${cseq} INVITE`),
    );
    const status = Number(response.slice(8, 11));
    const toTag = /^To: .*(;tag=[^\r\n;]+)/m.exec(response)?.[1] ?? '';
    // RFC 3261 §13.2.2.4: a 2xx is ACKed in a new transaction; §17.1.1.3: a failure with the INVITE's branch.
    const branch = status < 300 ? `z9hG4bK${randomUUID()}` : inviteBranch;
    this.send(head('ACK', toTag, branch) + 'Content-Length: 0\r\n\r\n');
    return { callId, status, response };
  }

  /** The server's BYE for `callId` (received, not answered). */
  bye(callId: string, ms = 5000): Promise<string> {
    return this.next((t) => t.startsWith('BYE ') && t.includes(`Call-ID: ${callId}`), ms);
  }

  /** Answer a request received with 200 OK. */
  answer(request: string): void {
    const keep = request
      .split('\r\n')
      .filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l))
      .join('\r\n');
    this.send(`SIP/2.0 200 OK\r\n${keep}\r\nContent-Length: 0\r\n\r\n`);
  }

  send(text: string): void {
    this.sock.send(Buffer.from(text, 'latin1'), this.serverPort, '127.0.0.1');
  }

  close(): void {
    this.sock.close();
  }
}
