// Shared by the registrar tests: hand-built pjsip config objects, a manual clock and REGISTERs parsed from text.
import type { AorConfig, AuthConfig, EndpointConfig } from '../../../../src/config/pjsip-types.js';
import type { RegistrarClock } from '../../../../src/channels/pjsip/registrar/contact-store.js';
import { parseSipMessage } from '../../../../src/sip/message/parse-message.js';
import type { SipRequest } from '../../../../src/sip/message/sip-message.js';

export function endpoint(name: string, over: Partial<EndpointConfig> = {}): EndpointConfig {
  return {
    name,
    context: 'default',
    messageContext: '',
    allow: ['ulaw'],
    dtmfMode: 'rfc4733',
    callerIdName: '',
    callerIdNumber: '',
    fromUser: '',
    fromDomain: '',
    aors: [name],
    auth: [],
    outboundAuth: [],
    transport: '',
    identifyBy: ['username', 'ip'],
    rtpSymmetric: false,
    forceRport: true,
    rewriteContact: false,
    directMedia: true,
    trustIdInbound: false,
    mohSuggest: 'default',
    mohPassthrough: false,
    language: '',
    sdpOwner: '-',
    sdpSession: 'Asterisk',
    rtpTimeout: 0,
    ignore183WithoutSdp: false,
    suppressQ850ReasonHeaders: false,
    allowUnauthenticatedOptions: false,
    ...over,
  };
}

export function aor(name: string, over: Partial<AorConfig> = {}): AorConfig {
  return {
    name,
    contacts: [],
    maxContacts: 1,
    removeExisting: false,
    qualifyFrequency: 0,
    qualifyTimeout: 3,
    qualify2xxOnly: false,
    removeUnavailable: false,
    defaultExpiration: 3600,
    minimumExpiration: 60,
    maximumExpiration: 7200,
    ...over,
  };
}

export function auth(name: string, over: Partial<AuthConfig> = {}): AuthConfig {
  return {
    name,
    authType: 'digest',
    username: name,
    password: 's3cret',
    md5Cred: '',
    realm: '',
    nonceLifetime: 32,
    algorithmsUas: ['MD5'],
    ...over,
  };
}

/** A clock tests advance by hand; timers fire in due order while advancing. */
export class ManualClock implements RegistrarClock {
  #now: number;
  #timers = new Map<number, { at: number; fn: () => void }>();
  #nextId = 1;
  constructor(start = 1_000_000) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  setTimer(fn: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + ms, fn });
    return id;
  }
  clearTimer(handle: unknown): void {
    this.#timers.delete(handle as number);
  }
  get pending(): number {
    return this.#timers.size;
  }
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.#timers) if (e[1].at <= end && (due === undefined || e[1].at < due[1].at)) due = e;
      if (due === undefined) break;
      this.#timers.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].at);
      due[1].fn();
    }
    this.#now = end;
  }
}

/** Parses a request written with one header per line (LF in the source, CRLF on the wire). */
export function request(lines: string[]): SipRequest {
  const text = `${lines.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`;
  const r = parseSipMessage(Buffer.from(text));
  if (!r.ok) throw new Error(r.error);
  if (r.value.kind !== 'request') throw new Error('not a request');
  return r.value;
}

let branch = 0;
/** A REGISTER from alice at 192.0.2.10:5062 with the given extra headers (Contact, Expires …). */
export function register(extra: string[], opts: { to?: string; callId?: string; cseq?: number } = {}): SipRequest {
  branch++;
  return request([
    'REGISTER sip:192.0.2.1 SIP/2.0',
    `Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-reg${branch};rport`,
    'Max-Forwards: 70',
    'From: <sip:alice@192.0.2.1>;tag=f1',
    `To: ${opts.to ?? '<sip:alice@192.0.2.1>'}`,
    `Call-ID: ${opts.callId ?? 'reg-call-1'}`,
    `CSeq: ${opts.cseq ?? branch} REGISTER`,
    'User-Agent: test-ua/1.0',
    ...extra,
  ]);
}
