// A SIP user agent on a raw loopback UDP socket for end-to-end tests: sends out-of-dialog requests (answering one
// 401 with digest), answers OPTIONS while `answersOptions`, answers requests by hand, and collects what it receives.
import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { ClientAuth } from '../../src/sip/auth/client-auth.js';

export interface SipMsg {
  start: string;
  /** Request method, or '' for a response. */
  method: string;
  status: number;
  headers: [string, string][];
  body: string;
  header(name: string): string | undefined;
  all(name: string): string[];
}

export function parseSip(text: string): SipMsg {
  const cut = text.indexOf('\r\n\r\n');
  const head = cut < 0 ? text : text.slice(0, cut);
  const body = cut < 0 ? '' : text.slice(cut + 4);
  const [start = '', ...lines] = head.split('\r\n');
  const headers = lines.map((l): [string, string] => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
  });
  const all = (name: string): string[] =>
    headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  const res = /^SIP\/2\.0 (\d{3})/.exec(start);
  const req = /^([A-Z]+) \S+ SIP\/2\.0$/.exec(start);
  return {
    start,
    method: req?.[1] ?? '',
    status: res ? Number(res[1]) : 0,
    headers,
    body,
    header: (n) => all(n)[0],
    all,
  };
}

export interface RequestOptions {
  user: string;
  /** The whole From value but its tag (default `<sip:user@127.0.0.1>`). */
  from?: string;
  /** The whole Request-URI (default `sip:[ruriUser@]127.0.0.1:<server port>`). */
  ruri?: string;
  ruriUser?: string;
  toUser?: string;
  headers?: string[];
  body?: string;
  auth?: { user: string; pass: string };
}

/**
 * A SIP UA on a raw UDP socket: sends out-of-dialog requests (answering one 401 with digest), answers OPTIONS
 * while `answersOptions`, and collects everything it receives.
 */
export class SipPeer {
  readonly inbox: SipMsg[] = [];
  answersOptions = true;
  #waiters: { pred: (m: SipMsg) => boolean; resolve: (m: SipMsg) => void }[] = [];
  #cseq = 1;

  private constructor(
    readonly sock: Socket,
    readonly port: number,
    readonly sipPort: () => number,
  ) {
    sock.on('message', (buf) => {
      const m = parseSip(buf.toString('latin1'));
      if (m.method === 'OPTIONS' && this.answersOptions) this.respond(m, 200, 'OK');
      this.inbox.push(m);
      this.#waiters = this.#waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
    });
  }

  static async open(sipPort: () => number): Promise<SipPeer> {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    return new SipPeer(sock, sock.address().port, sipPort);
  }

  next(pred: (m: SipMsg) => boolean, ms = 3000): Promise<SipMsg> {
    const seen = this.inbox.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching SIP message in ${ms} ms`)), ms);
      this.#waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
    });
  }

  send(text: string): void {
    this.sock.send(Buffer.from(text, 'latin1'), this.sipPort(), '127.0.0.1');
  }

  /** A response to `req` (Via, From, To, Call-ID, CSeq copied; a To tag added unless it has one). */
  respond(req: SipMsg, status: number, reason: string, headers: string[] = [], body = ''): void {
    const to = req.header('To') ?? '';
    const lines = [
      `SIP/2.0 ${status} ${reason}`,
      ...req.all('Via').map((v) => `Via: ${v}`),
      `From: ${req.header('From')}`,
      `To: ${/;tag=/.test(to) ? to : `${to};tag=peer${this.port}`}`,
      `Call-ID: ${req.header('Call-ID')}`,
      `CSeq: ${req.header('CSeq')}`,
      ...headers,
      `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
    ];
    this.send(lines.join('\r\n') + '\r\n\r\n' + body);
  }

  /** One out-of-dialog request; a 401 is answered once with `auth`'s credentials. Resolves to the final response. */
  async request(method: string, opts: RequestOptions): Promise<SipMsg> {
    const uri = opts.ruri ?? `sip:${opts.ruriUser === undefined ? '' : `${opts.ruriUser}@`}127.0.0.1:${this.sipPort()}`;
    const callId = randomUUID();
    const client = opts.auth && new ClientAuth([{ username: opts.auth.user, secret: { password: opts.auth.pass } }]);
    let authHeaders: string[] = [];
    for (let round = 0; round < 2; round++) {
      const cseq = this.#cseq++;
      const body = opts.body ?? '';
      const lines = [
        `${method} ${uri} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=z9hG4bK${randomUUID()};rport`,
        `From: ${opts.from ?? `<sip:${opts.user}@127.0.0.1>`};tag=${callId.slice(0, 8)}`,
        `To: <sip:${opts.toUser ?? opts.ruriUser ?? opts.user}@127.0.0.1>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} ${method}`,
        'Max-Forwards: 70',
        ...(opts.headers ?? []),
        ...authHeaders,
        `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
      ];
      this.send(lines.join('\r\n') + '\r\n\r\n' + body);
      const res = await this.next(
        (m) => m.status >= 200 && m.header('Call-ID') === callId && m.header('CSeq') === `${cseq} ${method}`,
      );
      if (res.status !== 401 || client === undefined || round === 1) return res;
      const answer = client.answer(401, res.all('WWW-Authenticate'), { method, uri, body });
      if (!answer.ok) return res;
      authHeaders = answer.headers.map((h) => `${h.name}: ${h.value}`);
    }
    throw new Error('unreachable');
  }

  close(): void {
    this.sock.close();
  }
}
