// A SIP caller with real RTP for media end-to-end tests: it calls an extension of the server (INVITE offering one
// codec: G.711 or L16/16000, ACK), records every RTP packet it receives with its arrival time, decodes what it heard, and can send
// audio paced at 20 ms. Raw UDP sockets on loopback; no mocks.
import { createSocket, type Socket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { AUDIO_CODECS, createFrameCoder, type AudioCodecName } from '../../src/media/codecs/audio-codecs.js';
import type { TestServer } from './server.js';
import { toneRatio } from './audio.js';

export interface RtpPacketIn {
  readonly pt: number;
  readonly seq: number;
  readonly ts: number;
  readonly ssrc: number;
  readonly marker: boolean;
  readonly payload: Buffer;
  /** performance.now() at arrival. */
  readonly at: number;
}

export interface CallOptions {
  /** Offer only this codec (default ulaw: PT 0); audio sent and heard is at its rate (16 kHz for slin16). */
  readonly codec?: AudioCodecName;
  /** Extra SIP headers on the INVITE. */
  readonly headers?: readonly string[];
  /** From user (default `tester`). */
  readonly from?: string;
}

/** Payload types of audio (telephone-event is 101). */
const AUDIO_PTS = new Set(Object.values(AUDIO_CODECS).map((c) => c.payloadType));

async function waitFor<T>(find: () => T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = find();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export class RtpCall {
  readonly received: RtpPacketIn[] = [];
  readonly sipInbox: string[] = [];
  readonly callId = randomUUID();
  remotePort = 0;
  #toTag = '';
  #cseq = 1;
  #seq = 1000;
  #ts = 0;
  readonly #ssrc = 0x51ca7e;

  private constructor(
    readonly server: TestServer,
    readonly exten: string,
    readonly sip: Socket,
    readonly rtp: Socket,
    readonly codec: AudioCodecName,
    private readonly from: string,
  ) {
    sip.on('message', (b) => {
      const text = b.toString('latin1');
      this.sipInbox.push(text);
      // Answer the server's requests (BYE, re-INVITE, OPTIONS) with 200 so the call ends cleanly.
      if (/^(BYE|OPTIONS|INFO|UPDATE) /.test(text)) this.#reply200(text);
    });
    rtp.on('message', (b) => {
      if (b.length < 12 || b[0]! >> 6 !== 2) return;
      const cc = b[0]! & 0x0f;
      this.received.push({
        pt: b[1]! & 0x7f,
        marker: (b[1]! & 0x80) !== 0,
        seq: b.readUInt16BE(2),
        ts: b.readUInt32BE(4),
        ssrc: b.readUInt32BE(8),
        payload: Buffer.from(b.subarray(12 + 4 * cc)),
        at: performance.now(),
      });
    });
  }

  /** Call `exten` on the server and wait for its 200 (then ACK). */
  static async dial(server: TestServer, exten: string, options: CallOptions = {}): Promise<RtpCall> {
    const sip = createSocket('udp4');
    const rtp = createSocket('udp4');
    await new Promise<void>((r) => sip.bind(0, '127.0.0.1', r));
    await new Promise<void>((r) => rtp.bind(0, '127.0.0.1', r));
    const call = new RtpCall(server, exten, sip, rtp, options.codec ?? 'ulaw', options.from ?? 'tester');
    await call.#invite(options.headers ?? []);
    return call;
  }

  #head(method: string, cseq: number): string {
    const me = this.sip.address().port;
    return (
      `${method} sip:${this.exten}@127.0.0.1:${this.server.sip.port} SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 127.0.0.1:${me};branch=z9hG4bK${randomUUID()};rport\r\n` +
      `From: <sip:${this.from}@127.0.0.1>;tag=rtpcall\r\nTo: <sip:${this.exten}@127.0.0.1>${this.#toTag}\r\n` +
      `Call-ID: ${this.callId}\r\nCSeq: ${cseq} ${method}\r\nContact: <sip:${this.from}@127.0.0.1:${me}>\r\n` +
      'Max-Forwards: 70\r\n'
    );
  }

  #send(text: string): void {
    this.sip.send(text, this.server.sip.port, '127.0.0.1');
  }

  #reply200(request: string): void {
    const keep = request
      .split('\r\n')
      .filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l))
      .join('\r\n');
    this.#send(`SIP/2.0 200 OK\r\n${keep}\r\nContent-Length: 0\r\n\r\n`);
  }

  async #invite(headers: readonly string[]): Promise<void> {
    const { payloadType: pt, encoding, clockRate } = AUDIO_CODECS[this.codec];
    const sdp =
      'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
      `m=audio ${this.rtp.address().port} RTP/AVP ${pt} 101\r\na=rtpmap:${pt} ${encoding}/${clockRate}\r\n` +
      'a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n';
    const extra = headers.map((h) => h + '\r\n').join('');
    this.#send(
      this.#head('INVITE', this.#cseq) +
        extra +
        `Content-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`,
    );
    const ok = await waitFor(
      () => this.sipInbox.find((m) => /^SIP\/2\.0 [2-6]\d\d/.test(m) && m.includes(`${this.#cseq} INVITE`)),
      10_000,
      `the answer to INVITE ${this.exten}`,
    );
    if (!ok.startsWith('SIP/2.0 200')) throw new Error(`call refused: ${ok.split('\r\n')[0]}`);
    this.#toTag = /^To: .*(;tag=[^\r\n;]+)/m.exec(ok)![1]!;
    this.remotePort = Number(/m=audio (\d+)/.exec(ok)![1]);
    this.#send(this.#head('ACK', this.#cseq) + 'Content-Length: 0\r\n\r\n');
  }

  /**
   * Send `samples` (at the codec's rate) as 20 ms packets, paced on a 20 ms schedule; resolves when the last is sent. With
   * `jitterMs`, each packet leaves up to that much early or late (so packets may overtake each other); with
   * `lossRate`, that share of packets is never sent (their sequence numbers and timestamps are still used).
   */
  async sendAudio(
    samples: Int16Array,
    network: { jitterMs?: number; lossRate?: number; seed?: number } = {},
  ): Promise<void> {
    const start = performance.now();
    const jitter = network.jitterMs ?? 0;
    const loss = network.lossRate ?? 0;
    let seed = network.seed ?? 1;
    const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pending: Promise<void>[] = [];
    const coder = createFrameCoder(this.codec);
    const frameSize = coder.info.rate / 50;
    for (let i = 0, n = 0; i < samples.length; i += frameSize, n++) {
      const frame = samples.subarray(i, Math.min(i + frameSize, samples.length));
      const pkt = Buffer.alloc(12 + coder.bytesFor(frame.length));
      pkt[0] = 0x80;
      pkt[1] = coder.info.payloadType | (n === 0 ? 0x80 : 0);
      pkt.writeUInt16BE(this.#seq++ & 0xffff, 2);
      pkt.writeUInt32BE(this.#ts >>> 0, 4);
      pkt.writeUInt32BE(this.#ssrc, 8);
      const bytes = coder.encode(frame, pkt.subarray(12));
      this.#ts += coder.ticksIn(bytes);
      if (jitter === 0 && loss === 0) this.rtp.send(pkt, this.remotePort, '127.0.0.1');
      else if (random() >= loss) {
        const offset = (random() * 2 - 1) * jitter;
        pending.push(
          new Promise((r) => setTimeout(() => r(this.rtp.send(pkt, this.remotePort, '127.0.0.1')), jitter + offset)),
        );
      }
      const due = start + (n + 1) * 20;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await Promise.all(pending);
  }

  /**
   * Send one RFC 4733 digit (payload type 101, as offered): a packet every 20 ms while it lasts, then the end
   * packet three times (§2.5.1.4), all with the digit's start timestamp.
   */
  async sendDtmf(digit: string, durationMs = 100): Promise<void> {
    const event = '0123456789*#ABCD'.indexOf(digit.toUpperCase());
    if (event < 0) throw new Error(`not a DTMF digit: ${digit}`);
    const ts = this.#ts;
    const packet = (duration: number, end: boolean, first: boolean): Buffer => {
      const pkt = Buffer.alloc(16);
      pkt[0] = 0x80;
      pkt[1] = 101 | (first ? 0x80 : 0);
      pkt.writeUInt16BE(this.#seq++ & 0xffff, 2);
      pkt.writeUInt32BE(ts >>> 0, 4);
      pkt.writeUInt32BE(this.#ssrc, 8);
      pkt[12] = event;
      pkt[13] = (end ? 0x80 : 0) | 10; // volume −10 dBm0
      pkt.writeUInt16BE(duration, 14);
      return pkt;
    };
    const total = durationMs * 8;
    for (let elapsed = 160, n = 0; elapsed < total; elapsed += 160, n++) {
      this.rtp.send(packet(elapsed, false, n === 0), this.remotePort, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 20));
    }
    for (let i = 0; i < 3; i++) this.rtp.send(packet(total, true, false), this.remotePort, '127.0.0.1');
    this.#ts += total;
  }

  /** Audio packets received (telephone-event excluded), in arrival order. */
  audioPackets(): RtpPacketIn[] {
    return this.received.filter((p) => AUDIO_PTS.has(p.pt));
  }

  /**
   * Everything heard so far, decoded in arrival order (gaps are not filled), at the rate of the codec the call
   * offered; packets in another codec are skipped.
   */
  heard(from = 0): Int16Array {
    const coder = createFrameCoder(this.codec);
    const packets = this.audioPackets()
      .slice(from)
      .filter((p) => p.pt === coder.info.payloadType);
    const total = packets.reduce((n, p) => n + coder.samplesIn(p.payload.length), 0);
    const out = new Int16Array(total);
    let at = 0;
    for (const p of packets) at += coder.decode(p.payload, out.subarray(at));
    return out;
  }

  /** Wait until `n` audio packets have arrived. */
  async waitForPackets(n: number, ms = 10_000): Promise<void> {
    await waitFor(() => (this.audioPackets().length >= n ? true : undefined), ms, `${n} RTP packets`);
  }

  /** Hang up (BYE) and close the sockets. */
  async hangup(): Promise<void> {
    this.#cseq++;
    const cseq = this.#cseq;
    this.#send(this.#head('BYE', cseq) + 'Content-Length: 0\r\n\r\n');
    await waitFor(() => this.sipInbox.find((m) => m.includes(`${cseq} BYE`) && m.startsWith('SIP/2.0')), 5000, 'BYE');
    this.close();
  }

  /** Whether the server hung up (sent a BYE). */
  get wasHungUp(): boolean {
    return this.sipInbox.some((m) => m.startsWith('BYE '));
  }

  close(): void {
    this.sip.close();
    this.rtp.close();
  }
}

/** Relative power of each of `freqs` in every µ-law packet heard, with its arrival time. */
export function tonesByPacket(
  packets: readonly RtpPacketIn[],
  freqs: readonly number[],
): { at: number; ratios: number[] }[] {
  const coder = createFrameCoder('ulaw');
  return packets.map((p) => {
    const pcm = new Int16Array(coder.samplesIn(p.payload.length));
    coder.decode(p.payload, pcm);
    return { at: p.at, ratios: freqs.map((f) => toneRatio(pcm, f)) };
  });
}
