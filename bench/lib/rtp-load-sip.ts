/**
 * The few SIP messages the RTP load generator needs (RFC 3261 over UDP): an INVITE with a G.711 µ-law offer
 * (RFC 3264, PCMU and telephone-event), ACK for a 2xx (a new transaction, §13.2.2.4) or for a failure (same
 * branch, §17.1.1.3), BYE, and 200 OK to the server's requests. Parsing reads only what a UAC needs and never
 * throws: a message it cannot read comes back as undefined.
 */

export interface SipLocal {
  readonly host: string;
  readonly port: number;
}

export interface SipDialog {
  readonly callId: string;
  readonly fromTag: string;
  /** `;tag=...` of the To header once answered, else ''. */
  toTag: string;
  /** Request-URI for in-dialog requests (the answer's Contact), else the INVITE's. */
  remoteTarget: string;
  readonly exten: string;
}

export interface SipMessage {
  /** Status code of a response, undefined for a request. */
  readonly status: number | undefined;
  /** Method of a request, or the CSeq method of a response. */
  readonly method: string;
  readonly cseq: number;
  readonly callId: string;
  readonly toTag: string;
  readonly contact: string | undefined;
  /** The header lines a response to this request copies (Via, From, To, Call-ID, CSeq). */
  readonly echoHeaders: string;
  /** SDP media address and port, when there is an audio m-line. */
  readonly mediaHost: string | undefined;
  readonly mediaPort: number | undefined;
}

let branchSeq = 0;
export function newBranch(): string {
  return `z9hG4bK-bench-${process.pid}-${(branchSeq++).toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
}

function head(method: string, uri: string, d: SipDialog, local: SipLocal, cseq: number, branch: string): string {
  return (
    `${method} ${uri} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP ${local.host}:${local.port};branch=${branch};rport\r\n` +
    'Max-Forwards: 70\r\n' +
    `From: <sip:bench@${local.host}>;tag=${d.fromTag}\r\n` +
    `To: <sip:${d.exten}@${local.host}>${d.toTag}\r\n` +
    `Call-ID: ${d.callId}\r\n` +
    `CSeq: ${cseq} ${method}\r\n` +
    `Contact: <sip:bench@${local.host}:${local.port}>\r\n`
  );
}

/** The offer: PCMU only (payload 0) plus telephone-event, 20 ms packets. */
export function inviteMessage(d: SipDialog, local: SipLocal, branch: string, rtpPort: number): string {
  const sdp =
    'v=0\r\n' +
    `o=bench ${rtpPort} 1 IN IP4 ${local.host}\r\n` +
    's=bench\r\n' +
    `c=IN IP4 ${local.host}\r\n` +
    't=0 0\r\n' +
    `m=audio ${rtpPort} RTP/AVP 0 101\r\n` +
    'a=rtpmap:0 PCMU/8000\r\n' +
    'a=rtpmap:101 telephone-event/8000\r\n' +
    'a=fmtp:101 0-16\r\n' +
    'a=ptime:20\r\n' +
    'a=sendrecv\r\n';
  return (
    head('INVITE', d.remoteTarget, d, local, 1, branch) +
    `Content-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`
  );
}

export function ackMessage(d: SipDialog, local: SipLocal, branch: string, uri = d.remoteTarget): string {
  return head('ACK', uri, d, local, 1, branch) + 'Content-Length: 0\r\n\r\n';
}

export function byeMessage(d: SipDialog, local: SipLocal, branch: string): string {
  return head('BYE', d.remoteTarget, d, local, 2, branch) + 'Content-Length: 0\r\n\r\n';
}

/** 200 OK to a request of the server (BYE, OPTIONS, a re-INVITE: then `sdp` answers it). */
export function okResponse(req: SipMessage, sdp?: string): string {
  const body = sdp ?? '';
  const type = sdp === undefined ? '' : 'Content-Type: application/sdp\r\n';
  return `SIP/2.0 200 OK\r\n${req.echoHeaders}${type}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const COMPACT: Readonly<Record<string, string>> = {
  i: 'call-id',
  t: 'to',
  f: 'from',
  v: 'via',
  m: 'contact',
};

export function parseSip(text: string): SipMessage | undefined {
  const split = text.indexOf('\r\n\r\n');
  const headText = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split + 4);
  const lines = headText.split('\r\n');
  const start = lines[0] ?? '';
  let status: number | undefined;
  let method: string | undefined;
  if (start.startsWith('SIP/2.0 ')) {
    status = Number(start.slice(8, 11));
    if (!Number.isInteger(status)) return undefined;
  } else {
    method = start.split(' ', 1)[0];
    if (!method) return undefined;
  }
  let callId = '';
  let cseq = 0;
  let cseqMethod = '';
  let toTag = '';
  let contact: string | undefined;
  let echo = '';
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    const value = line.slice(colon + 1).trim();
    if (name === 'via' || name === 'from' || name === 'to' || name === 'call-id' || name === 'cseq') {
      echo += line + '\r\n';
    }
    if (name === 'call-id') callId = value;
    else if (name === 'cseq') {
      const [n, m] = value.split(/\s+/);
      cseq = Number(n);
      cseqMethod = m ?? '';
    } else if (name === 'to') {
      const tag = /;\s*tag=([^;>\s]+)/i.exec(value);
      toTag = tag ? `;tag=${tag[1]}` : '';
    } else if (name === 'contact') {
      const uri = /<([^>]+)>/.exec(value)?.[1] ?? value.split(';', 1)[0];
      contact = uri;
    }
  }
  if (!callId || !Number.isFinite(cseq)) return undefined;
  const port = /^m=audio (\d+)/m.exec(body);
  const host = /^c=IN IP[46] ([^\s]+)/m.exec(body);
  return {
    status,
    method: method ?? cseqMethod,
    cseq,
    callId,
    toTag,
    contact,
    echoHeaders: echo,
    mediaHost: host?.[1],
    mediaPort: port ? Number(port[1]) : undefined,
  };
}
