// A minimal SIP-over-TLS client for tests: one tls.connect socket, the stream framer, and a queue of whole
// messages, so a test can write a request and await what comes back on the same connection.
import tls from 'node:tls';

import { SipStreamFramer } from '../../src/sip/message/stream-framer.js';

export interface TlsSipClient {
  readonly socket: tls.TLSSocket;
  write(text: string): void;
  /** The next whole message received, as text; rejects when the connection closes first. */
  next(): Promise<string>;
  close(): void;
}

/** Connects and completes the handshake; rejects with the TLS error (e.g. an untrusted server certificate). */
export async function connectTlsSip(port: number, options: tls.ConnectionOptions): Promise<TlsSipClient> {
  const socket = tls.connect({ host: '127.0.0.1', port, ...options });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('error', reject);
  });
  const framer = new SipStreamFramer();
  const queue: string[] = [];
  const waiting: { resolve: (m: string) => void; reject: (e: Error) => void }[] = [];
  let ended: Error | undefined;
  socket.on('data', (chunk: Buffer) => {
    for (const m of framer.push(chunk).messages) {
      const w = waiting.shift();
      if (w) w.resolve(m.toString('latin1'));
      else queue.push(m.toString('latin1'));
    }
  });
  const fail = (err: Error): void => {
    ended ??= err;
    for (const w of waiting.splice(0)) w.reject(err);
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('connection closed')));
  return {
    socket,
    write: (text) => void socket.write(Buffer.from(text, 'latin1')),
    next: () => {
      const m = queue.shift();
      if (m !== undefined) return Promise.resolve(m);
      if (ended) return Promise.reject(ended);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    close: () => socket.destroy(),
  };
}

/** An out-of-dialog request over TLS from `local` (the client's address as seen in Via/Contact). */
export function tlsRequest(
  method: string,
  uri: string,
  o: { local: string; callId: string; cseq: number; branch: string; toTag?: string; body?: string; extra?: string[] },
): string {
  const body = o.body ?? '';
  return [
    `${method} ${uri} SIP/2.0`,
    `Via: SIP/2.0/TLS ${o.local};rport;branch=${o.branch}`,
    'Max-Forwards: 70',
    `From: "tls" <sip:tls@${o.local}>;tag=tls-from`,
    `To: <${uri}>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    `Call-ID: ${o.callId}`,
    `CSeq: ${o.cseq} ${method}`,
    `Contact: <sip:tls@${o.local};transport=tls>`,
    ...(o.extra ?? []),
    ...(body === '' ? [] : ['Content-Type: application/sdp']),
    `Content-Length: ${Buffer.byteLength(body, 'latin1')}`,
    '',
    body,
  ].join('\r\n');
}
