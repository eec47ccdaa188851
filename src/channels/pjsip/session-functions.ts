import type { SipRequest } from '../../sip/message/sip-message.js';
import type { SipSession } from './sip-session.js';
import { displayUri } from './sip-identity.js';

/** What the dialplan functions read from a session besides its dialog. */
export interface SessionFacts {
  /** The first INVITE of the session (received for inbound, sent for outbound). */
  readonly invite: SipRequest | undefined;
  readonly isInbound: boolean;
  /** Where signalling arrived / was sent: `ip:port` both ends. */
  readonly localAddr: string;
  readonly remoteAddr: string;
}

/**
 * `CHANNEL(pjsip,…)`, `CHANNEL(rtp,…)`, `CHANNEL(endpoint)`, `PJSIP_HEADER(read,…)`, `PJSIP_HEADERS()`,
 * `PJSIP_DTMF_MODE()`, `PJSIP_MOH_PASSTHROUGH()` (sip-reference §1.3). Undefined = cannot be read (ARI 500).
 */
export function readSessionFunction(
  s: SipSession,
  facts: SessionFacts,
  func: string,
  args: string,
): string | undefined {
  const parts = args.split(',').map((p) => p.trim());
  switch (func) {
    case 'CHANNEL':
      return readChannelItem(s, facts, parts);
    case 'PJSIP_HEADER': {
      if (parts[0]?.toLowerCase() !== 'read' || !facts.isInbound || facts.invite === undefined) return undefined;
      return readHeader(facts.invite, parts[1] ?? '', Number.parseInt(parts[2] ?? '1', 10) || 1);
    }
    case 'PJSIP_HEADERS': {
      if (facts.invite === undefined) return undefined;
      const prefix = (parts[0] ?? '').toLowerCase();
      const names = new Set(
        facts.invite.headers.filter((h) => h.name.toLowerCase().startsWith(prefix)).map((h) => h.name),
      );
      return [...names].join(',');
    }
    case 'PJSIP_DTMF_MODE':
      return s.dtmfMode;
    case 'PJSIP_MOH_PASSTHROUGH':
      return s.endpoint.mohPassthrough ? 'yes' : 'No';
    default:
      return undefined;
  }
}

function readHeader(invite: SipRequest, name: string, n: number): string | undefined {
  if (name.endsWith('*')) {
    const prefix = name.slice(0, -1).toLowerCase();
    return invite.headers.filter((h) => h.name.toLowerCase().startsWith(prefix))[n - 1]?.value;
  }
  return invite.headerLines(name)[n - 1];
}

function readChannelItem(s: SipSession, facts: SessionFacts, parts: readonly string[]): string | undefined {
  const [kind = '', item = ''] = parts;
  switch (kind.toLowerCase()) {
    case 'endpoint':
      return s.endpoint.name;
    case 'aor':
    case 'contact':
      return '';
    case 'pjsip':
      return readPjsipItem(s, facts, item.toLowerCase());
    case 'rtp': {
      // Before media is up (a ringing channel) Asterisk's read fails: ARI 500 (§1.3).
      const media = s.media;
      if (media === undefined || s.channel.state !== 'Up') return undefined;
      switch (item.toLowerCase()) {
        case 'src':
          return media.localAddress;
        case 'dest':
          return media.remoteAddress;
        case 'direct':
          return '';
        case 'secure':
          return '0';
        case 'hold':
          return s.isRemoteHeld ? '1' : '0';
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

function readPjsipItem(s: SipSession, facts: SessionFacts, item: string): string | undefined {
  const d = s.dialog;
  switch (item) {
    case 'call-id':
      return d?.callId ?? facts.invite?.callId ?? '';
    case 'remote_addr':
      return facts.remoteAddr;
    case 'local_addr':
      return facts.localAddr;
    case 'request_uri':
      return facts.isInbound ? (facts.invite?.uri ?? '') : '';
    case 'remote_uri':
      return d === undefined ? '' : displayUri(d.remote.displayName, d.remote.uri);
    case 'local_uri':
      return d === undefined ? '' : displayUri(d.local.displayName, d.local.uri);
    case 'target_uri':
      return d?.remoteTarget ?? '';
    case 'remote_tag':
      return d?.remoteTag ?? '';
    case 'local_tag':
      return d?.localTag ?? '';
    case 'secure':
      return '0';
    case 't38state':
      return 'DISABLED';
    default:
      return undefined;
  }
}

/** DTMF modes PJSIP_DTMF_MODE accepts (chan_pjsip's dtmf_mode values). */
const DTMF_MODES: readonly string[] = ['rfc4733', 'inband', 'info', 'auto', 'auto_info', 'none'];

/** Writes of the PJSIP_* dialplan functions a session owns; false for a function or value it does not take. */
/** The part of a session the PJSIP_* function writes change. */
export type WritableSessionState = Pick<SipSession, 'transferHandling' | 'dtmfMode' | 'extraHeaders'>;

export function writeSessionFunction(
  session: WritableSessionState,
  func: string,
  args: string,
  value: string,
): boolean {
  if (func === 'PJSIP_TRANSFER_HANDLING') {
    // dialplan_functions.c: empty or `core`, or `ari-only`; anything else leaves it unchanged.
    if (value !== '' && value !== 'core' && value !== 'ari-only') return false;
    session.transferHandling = value === 'ari-only' ? 'ari-only' : 'core';
    return true;
  }
  if (func === 'PJSIP_DTMF_MODE') {
    if (!DTMF_MODES.includes(value)) return false;
    session.dtmfMode = value;
    return true;
  }
  return func === 'PJSIP_HEADER' && writeHeader(session.extraHeaders, args, value);
}

/** PJSIP_HEADER(add|update|remove,Name): headers our outgoing INVITE adds (names compared without case). */
function writeHeader(headers: Array<readonly [string, string]>, args: string, value: string): boolean {
  const [action = '', name = ''] = args.split(',').map((p) => p.trim());
  if (name === '') return false;
  const lower = name.toLowerCase();
  const at = headers.findIndex(([n]) => n.toLowerCase() === lower);
  switch (action.toLowerCase()) {
    case 'add':
      headers.push([name, value]);
      return true;
    case 'update':
      if (at === -1) headers.push([name, value]);
      else headers[at] = [name, value];
      return true;
    case 'remove':
      for (let i = headers.length - 1; i >= 0; i--) {
        if (headers[i]![0].toLowerCase() === lower) headers.splice(i, 1);
      }
      return true;
    default:
      return false;
  }
}
