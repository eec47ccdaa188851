// One leg of a phone for the Dial() transfer tests: a SIP dialog on its own UDP socket (placed with INVITE, or
// the one INVITE it is sent, answered 200) and its own RTP socket that records µ-law audio heard and can send a
// tone paced at 20 ms. In-dialog requests (REFER, re-INVITE to hold, BYE) carry the dialog's tags either way.
import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { parseSip, type SipMsg } from '../helpers/sip-peer.js';
import { sine } from '../helpers/audio.js';
import { ulawDecodeSample, ulawEncodeSample } from '../../src/media/codecs/g711.js';

const FRAME_SAMPLES = 160;
const FRAME_MS = 20;
const PT_PCMU = 0;

const sdp = (rtpPort: number, direction: string): string =>
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
  `m=audio ${rtpPort} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=${direction}\r\n`;

export class Leg {
  readonly inbox: SipMsg[] = [];
  /** Decoded samples heard, with the time each packet arrived. */
  readonly heard: Array<{ at: number; samples: Int16Array }> = [];
  callId: string = randomUUID();
  localTag = randomUUID().slice(0, 8);
  remoteTag = '';
  #localUri = '';
  #remoteUri = '';
  #requestUri = '';
  #cseq = 1;
  #rtpPeer = 0;
  #tone: NodeJS.Timeout | undefined;
  #waiters: { pred: (m: SipMsg) => boolean; resolve: (m: SipMsg) => void }[] = [];

  private constructor(
    readonly sip: Socket,
    readonly rtp: Socket,
    readonly user: string,
    readonly serverPort: number,
  ) {
    sip.on('message', (buf) => this.#onSip(parseSip(buf.toString('latin1'))));
    rtp.on('message', (b) => {
      if (b.length < 12 || (b[1]! & 0x7f) !== PT_PCMU) return;
      const payload = b.subarray(12);
      const samples = new Int16Array(payload.length);
      for (let i = 0; i < payload.length; i++) samples[i] = ulawDecodeSample(payload[i]!);
      this.heard.push({ at: Date.now(), samples });
    });
  }

  static async open(user: string, serverPort: number): Promise<Leg> {
    const bind = async (): Promise<Socket> => {
      const s = createSocket('udp4');
      await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
      return s;
    };
    return new Leg(await bind(), await bind(), user, serverPort);
  }

  get port(): number {
    return this.sip.address().port;
  }

  get rtpPort(): number {
    return this.rtp.address().port;
  }

  /** Places the call to `exten`; resolves once it is answered (and ACKed). */
  async dial(exten: string, ms = 5000): Promise<void> {
    this.#localUri = `<sip:${this.user}@127.0.0.1>;tag=${this.localTag}`;
    this.#remoteUri = `<sip:${exten}@127.0.0.1>`;
    this.#requestUri = `sip:${exten}@127.0.0.1:${this.serverPort}`;
    const body = sdp(this.rtpPort, 'sendrecv');
    const cseq = this.#cseq;
    this.#send(this.#head('INVITE', cseq) + `Content-Type: application/sdp\r\nContent-Length: ${body.length}\r\n\r\n${body}`); // prettier-ignore
    const ok = await this.next((m) => m.status >= 200 && m.header('CSeq') === `${cseq} INVITE`, ms);
    if (ok.status !== 200) throw new Error(`call to ${exten} refused: ${ok.start}`);
    this.remoteTag = /;tag=([^;>\s]+)/.exec(ok.header('To') ?? '')?.[1] ?? '';
    this.#remoteUri = `${ok.header('To')}`;
    this.#requestUri = /<([^>]+)>/.exec(ok.header('Contact') ?? '')?.[1] ?? this.#requestUri;
    this.#rtpPeer = Number(/m=audio (\d+)/.exec(ok.body)?.[1] ?? 0);
    this.#send(this.#head('ACK', cseq) + 'Content-Length: 0\r\n\r\n');
  }

  /** Resolves once the INVITE sent to this leg has been answered. */
  async answered(ms = 5000): Promise<void> {
    await this.next((m) => m.method === 'INVITE', ms);
  }

  #onSip(m: SipMsg): void {
    if (m.method === 'INVITE') {
      if (this.remoteTag === '') {
        this.callId = m.header('Call-ID') ?? '';
        this.remoteTag = /;tag=([^;>\s]+)/.exec(m.header('From') ?? '')?.[1] ?? '';
        this.#localUri = `${m.header('To')};tag=${this.localTag}`;
        this.#remoteUri = m.header('From') ?? '';
        this.#requestUri = /<([^>]+)>/.exec(m.header('Contact') ?? '')?.[1] ?? '';
      }
      this.#rtpPeer = Number(/m=audio (\d+)/.exec(m.body)?.[1] ?? this.#rtpPeer);
      this.#reply(m, sdp(this.rtpPort, 'sendrecv'));
    } else if (m.method !== '' && m.method !== 'ACK') this.#reply(m, '');
    this.inbox.push(m);
    this.#waiters = this.#waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
  }

  #head(method: string, cseq: number): string {
    return (
      `${method} ${this.#requestUri} SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=z9hG4bK${randomUUID()};rport\r\n` +
      `From: ${this.#localUri}\r\nTo: ${this.#remoteUri}\r\n` +
      `Call-ID: ${this.callId}\r\nCSeq: ${cseq} ${method}\r\nContact: <sip:${this.user}@127.0.0.1:${this.port}>\r\n` +
      'Max-Forwards: 70\r\n'
    );
  }

  #send(text: string): void {
    this.sip.send(Buffer.from(text, 'latin1'), this.serverPort, '127.0.0.1');
  }

  #reply(req: SipMsg, body: string): void {
    const to = req.header('To') ?? '';
    const lines = [
      'SIP/2.0 200 OK',
      ...req.all('Via').map((v) => `Via: ${v}`),
      `From: ${req.header('From')}`,
      `To: ${/;tag=/.test(to) ? to : `${to};tag=${this.localTag}`}`,
      `Call-ID: ${req.header('Call-ID')}`,
      `CSeq: ${req.header('CSeq')}`,
      `Contact: <sip:${this.user}@127.0.0.1:${this.port}>`,
      ...(body === '' ? [] : ['Content-Type: application/sdp']),
      `Content-Length: ${body.length}`,
    ];
    this.#send(lines.join('\r\n') + '\r\n\r\n' + body);
  }

  next(pred: (m: SipMsg) => boolean, ms = 5000): Promise<SipMsg> {
    const seen = this.inbox.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.user}: no matching SIP message in ${ms} ms`)), ms);
      this.#waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
    });
  }

  /** An in-dialog request; resolves to its final response. */
  async request(method: string, headers: readonly string[] = [], body = '', type = ''): Promise<SipMsg> {
    const cseq = ++this.#cseq;
    const extra = headers.map((h) => `${h}\r\n`).join('') + (type === '' ? '' : `Content-Type: ${type}\r\n`);
    this.#send(this.#head(method, cseq) + extra + `Content-Length: ${body.length}\r\n\r\n${body}`);
    const res = await this.next((m) => m.status >= 200 && m.header('CSeq') === `${cseq} ${method}`);
    if (method === 'INVITE') this.#send(this.#head('ACK', cseq) + 'Content-Length: 0\r\n\r\n');
    return res;
  }

  /** Puts the other party on hold (RFC 3264 §8.4: a re-INVITE offering sendonly). */
  hold(): Promise<SipMsg> {
    return this.request('INVITE', [], sdp(this.rtpPort, 'sendonly'), 'application/sdp');
  }

  /** The Replaces value naming this leg's dialog, as the other end (the server) sees it (RFC 3891 §3). */
  replaces(): string {
    return `${this.callId};to-tag=${this.remoteTag};from-tag=${this.localTag}`;
  }

  /** Sends a tone at 20 ms intervals until stopTone(). */
  startTone(freqHz: number): void {
    this.stopTone();
    const wave = sine(freqHz, 8000);
    const packet = Buffer.alloc(12 + FRAME_SAMPLES);
    const ssrc = (Math.random() * 0xffffffff) >>> 0;
    let seq = 0;
    let offset = 0;
    this.#tone = setInterval(() => {
      packet[0] = 0x80;
      packet[1] = PT_PCMU;
      packet.writeUInt16BE(seq++ & 0xffff, 2);
      packet.writeUInt32BE((seq * FRAME_SAMPLES) >>> 0, 4);
      packet.writeUInt32BE(ssrc, 8);
      for (let i = 0; i < FRAME_SAMPLES; i++) packet[12 + i] = ulawEncodeSample(wave[(offset + i) % wave.length]!);
      offset = (offset + FRAME_SAMPLES) % wave.length;
      if (this.#rtpPeer !== 0) this.rtp.send(packet, this.#rtpPeer, '127.0.0.1');
    }, FRAME_MS);
  }

  stopTone(): void {
    if (this.#tone !== undefined) clearInterval(this.#tone);
    this.#tone = undefined;
  }

  /** The samples heard since `since` (ms epoch), joined. */
  heardSince(since: number): Int16Array {
    const parts = this.heard.filter((h) => h.at >= since).map((h) => h.samples);
    const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** Ends the call if the server has not (BYE), then closes the sockets. */
  async close(): Promise<void> {
    this.stopTone();
    if (this.remoteTag !== '' && !this.inbox.some((m) => m.method === 'BYE')) {
      await this.request('BYE').catch(() => undefined);
    }
    this.sip.close();
    this.rtp.close();
  }
}
