/**
 * Conformance comparator: parses the log a trace script prints (see lib.mjs) — HTTP exchanges, WebSocket
 * events, WebSocket open/close lines and free-form notes — and compares a recording of real Asterisk with a
 * replay against Switchyard.
 *
 * What is compared
 *  - every HTTP exchange, in order: the request (method, path+query, body; they come from the same script so
 *    a difference means the replay went astray), the status code, the response body (deep JSON equality when
 *    both sides are JSON, else the text) and, where the script printed them, the headers;
 *  - every other log line (the scripts print some results themselves: full event JSON, `fetch` results), in
 *    order, prefix text plus deep JSON equality of a trailing JSON payload;
 *  - the events per WebSocket and channel (or, for events without a channel, per WebSocket and
 *    bridge/playback/recording id or type), in order; interleaving between groups is not compared. An event is
 *    compared on its type and key fields (see `projectEvent`), not on every field.
 *
 * What is normalised (run-to-run differences, not behaviour)
 *  - generated ids: uniqueids (`1763857015.12`), UUIDs, channel-name sequence numbers (`-0000000b`), pointer
 *    suffixes (`0x7fbd14005900`). An id on the actual side is bound to the expected id seen in the same place
 *    the first time; from then on the binding must hold both ways (so two different channels can't be merged);
 *    channel sequence numbers are bound within their counter (unreal channels share one, Snoop has its own);
 *  - timestamps (ISO-8601 with ms and zone) and the values of `timestamp`, `creationtime`, `asterisk_id`,
 *    `UNICASTRTP_LOCAL_PORT` (a port drawn from the RTP range);
 *    bare MAC-like `asterisk_id` values in text;
 *  - the `Date`, `Server`, `Connection`, `Keep-Alive` response headers (host/transport details), and
 *    `Content-Length` when the body holds any of the normalised values above (their lengths vary by run);
 *  - the server string in Asterisk's HTML error page (`<address>Asterisk/22.10.1</address>`), like `Server`;
 *  - `Accept-Ranges: bytes` on a binary body, which Switchyard adds because it serves HTTP ranges there;
 *  - bodies the script truncated (300 characters unless `full`): the truncated JSON is parsed as far as it
 *    goes, and only what is complete on the truncated side is compared (key order does not matter).
 *  - the reason phrase of the status line is reported as a warning, not a mismatch: Asterisk sets custom
 *    phrases per call site (`404 Variable Not Found`) and the reference (semantics.md) says clients may only
 *    rely on the numeric code.
 * The server's host:port is rewritten to the recording's 127.0.0.1:8088 by the runner before parsing.
 */

// ---------------------------------------------------------------------------------------------- log parsing

export type Side = 'expected' | 'actual';

export interface HttpExchange {
  readonly t: number;
  readonly method: string;
  /** path + query as the script printed it (relative to /ari) */
  readonly path: string;
  readonly reqBody: string | undefined;
  readonly status: number;
  readonly statusText: string;
  readonly headers: Record<string, string> | undefined;
  /** response body as printed (maybe truncated) */
  readonly body: string;
  /** untruncated response text, when the runner captured it */
  fullBody?: string | undefined;
  readonly raw: string;
}

export interface TraceEvent {
  readonly ws: string;
  readonly t: number;
  readonly type: string;
  /** the compared fields (see projectEvent / projectEventLine) */
  readonly proj: Record<string, unknown>;
  /** the full event JSON, when the events come from a .jsonl dump */
  readonly json: Record<string, unknown> | undefined;
  readonly raw: string;
}

export interface Note {
  readonly t: number;
  readonly text: string;
}

export interface WsLine {
  readonly t: number;
  readonly ws: string;
  /** "open", "close code=1000", "error ..." */
  readonly what: string;
}

export interface Trace {
  readonly http: HttpExchange[];
  readonly events: TraceEvent[];
  readonly notes: Note[];
  readonly wsLines: WsLine[];
  /** where the events came from: the .jsonl dump (full JSON) or the EV log lines */
  readonly eventSource: 'jsonl' | 'log';
}

interface LogEntry {
  t: number;
  text: string;
}

/** Split a log into entries: `[ nnnn] text`, continuation lines (multi-line bodies) appended. */
export function splitLog(stdout: string): LogEntry[] {
  const entries: LogEntry[] = [];
  const lines = stdout.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const m = /^\[\s*(\d+)\] ([\s\S]*)$/.exec(line);
    if (m) entries.push({ t: Number(m[1]), text: m[2] ?? '' });
    else if (entries.length > 0) entries[entries.length - 1]!.text += '\n' + line;
  }
  return entries;
}

/** Index just past the JSON value starting at `start` (object, array, string or bare token), or -1. */
export function scanJsonEnd(text: string, start: number): number {
  const c = text[start];
  if (c === '"') {
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') return i + 1;
    }
    return -1;
  }
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') {
        const end = scanJsonEnd(text, i);
        if (end < 0) return -1;
        i = end - 1;
      } else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  const m = /^[^\s,\]}]+/.exec(text.slice(start));
  return m ? start + m[0].length : -1;
}

export function parseHttpLine(t: number, text: string): HttpExchange | undefined {
  const m = /^HTTP (\S+) (\S*?)(?: body=([\s\S]*?))? -> (\d{3}) ([\s\S]*)$/.exec(text);
  if (!m) return undefined;
  const rest = m[5] ?? '';
  let statusText = rest;
  let headers: Record<string, string> | undefined;
  let body = '';
  const dbl = rest.indexOf('  ');
  const hdr = rest.indexOf(' {"');
  if (hdr >= 0 && (dbl < 0 || hdr < dbl)) {
    statusText = rest.slice(0, hdr);
    const end = scanJsonEnd(rest, hdr + 1);
    if (end < 0) throw new Error(`unparsable headers in log line: ${text.slice(0, 200)}`);
    headers = JSON.parse(rest.slice(hdr + 1, end)) as Record<string, string>;
    body = rest.slice(end + 1);
  } else if (dbl >= 0) {
    statusText = rest.slice(0, dbl);
    body = rest.slice(dbl + 2);
  }
  return {
    t,
    method: m[1]!,
    path: m[2]!,
    reqBody: m[3],
    status: Number(m[4]),
    statusText,
    headers,
    body,
    raw: text,
  };
}

/** `key=<json>` pairs separated by single spaces. */
function parseKeyJsonPairs(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ') i++;
    const m = /^([A-Za-z_]+)=/.exec(text.slice(i));
    if (!m) break;
    const start = i + m[0].length;
    const end = scanJsonEnd(text, start);
    if (end < 0) break;
    try {
      out[m[1]!] = JSON.parse(text.slice(start, end));
    } catch {
      out[m[1]!] = text.slice(start, end);
    }
    i = end;
  }
  return out;
}

/** Parse an `EV[ws] Type app=... ch=id(name,state,ctx/exten/prio/app) br=id[a,b] k=v... pb=... rec=...` line. */
export function parseEventLine(t: number, text: string): TraceEvent | undefined {
  const m = /^EV\[([^\]]*)\] (\S+) app=(\S*)([\s\S]*)$/.exec(text);
  if (!m) return undefined;
  let rest = m[4] ?? '';
  const proj: Record<string, unknown> = { type: m[2], application: m[3] };
  const ch = /^ ch=([^(\s]*)\(([^,]*),([^,)]*)(?:,([^/]*)\/([^/]*)\/(\d+)\/([^)]*))?\)/.exec(rest);
  if (ch) {
    const channel: Record<string, unknown> = { id: ch[1], name: ch[2], state: ch[3] };
    if (ch[4] !== undefined) {
      channel['dialplan'] = { context: ch[4], exten: ch[5], priority: Number(ch[6]), app_name: ch[7] };
    }
    proj['channel'] = channel;
    rest = rest.slice(ch[0].length);
  }
  const br = /^ br=(\S*?)\[([^\]]*)\]/.exec(rest);
  if (br) {
    proj['bridge'] = { id: br[1], channels: br[2] === '' ? [] : br[2]!.split(',') };
    rest = rest.slice(br[0].length);
  }
  Object.assign(proj, parseKeyJsonPairs(rest));
  return { ws: m[1]!, t, type: m[2]!, proj, json: undefined, raw: text };
}

const CHANNEL_KEYS = ['id', 'name', 'state', 'caller', 'connected', 'accountcode', 'channelvars'] as const;
const DIALPLAN_KEYS = ['context', 'exten', 'priority', 'app_name', 'app_data'] as const;
const EVENT_KEYS = [
  'type',
  'application',
  'args',
  'cause',
  'cause_txt',
  'soft',
  'tech_cause',
  'variable',
  'value',
  'dialstatus',
  'dialstring',
  'forward',
  'dialplan_app',
  'dialplan_app_data',
  'digit',
  'eventname',
  'userevent',
  'destination',
  'status_code',
  'reason_phrase',
  'request_id',
  'transaction_id',
  'uri',
  'content_type',
  'message_body',
  'replace_channel',
  'musicclass',
  'device_state',
  'endpoint',
  'playback',
  'recording',
] as const;
const BRIDGE_KEYS = ['id', 'technology', 'bridge_type', 'bridge_class', 'creator', 'name', 'channels'] as const;

function pick(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

function projectChannel(c: unknown): Record<string, unknown> | undefined {
  if (!c || typeof c !== 'object') return undefined;
  const ch = c as Record<string, unknown>;
  const out = pick(ch, CHANNEL_KEYS);
  if (ch['dialplan'] && typeof ch['dialplan'] === 'object') {
    out['dialplan'] = pick(ch['dialplan'] as Record<string, unknown>, DIALPLAN_KEYS);
  }
  return out;
}

/**
 * The compared part of an event: type and application, the channel (id, name, state, caller, connected,
 * accountcode, channelvars, dialplan context/exten/priority/app_name/app_data), Dial's peer/caller, the
 * bridge (id, technology, type, class, creator, name, channels) and the event's own key fields (cause,
 * variable/value, dialstatus, digit, args, ...). Left out: timestamps, asterisk_id, DTMF duration_ms.
 */
export function projectEvent(e: Record<string, unknown>): Record<string, unknown> {
  const out = pick(e, EVENT_KEYS);
  for (const k of ['channel', 'peer', 'caller'] as const) {
    const c = projectChannel(e[k]);
    if (c) out[k] = c;
  }
  if (e['bridge'] && typeof e['bridge'] === 'object')
    out['bridge'] = pick(e['bridge'] as Record<string, unknown>, BRIDGE_KEYS);
  return out;
}

export interface ParseOptions {
  /** the .jsonl dump (`{"ws","t","e"}` per line); when given, events come from it and EV lines are skipped */
  readonly jsonl?: string | undefined;
  /** the runner's full-body side file (one `{"method","path","status","text"}` per HTTP exchange) */
  readonly fullBodies?: string | undefined;
}

export function parseTrace(stdout: string, opts: ParseOptions = {}): Trace {
  const http: HttpExchange[] = [];
  const events: TraceEvent[] = [];
  const notes: Note[] = [];
  const wsLines: WsLine[] = [];
  const jsonl = opts.jsonl;
  const useJsonl = jsonl !== undefined;
  for (const { t, text } of splitLog(stdout)) {
    if (text.startsWith('HTTP ')) {
      const x = parseHttpLine(t, text);
      if (x) {
        http.push(x);
        continue;
      }
    }
    if (text.startsWith('EV[')) {
      const ev = parseEventLine(t, text);
      if (ev) {
        if (!useJsonl) events.push(ev);
        continue;
      }
    }
    const w = /^WS\[([^\]]*)\] (open|close[\s\S]*|error[\s\S]*)$/.exec(text);
    if (w) {
      wsLines.push({ t, ws: w[1]!, what: w[2]!.trimEnd() });
      continue;
    }
    notes.push({ t, text });
  }
  if (jsonl !== undefined) {
    for (const line of jsonl.split('\n')) {
      if (line.trim() === '') continue;
      const rec = JSON.parse(line) as { ws: string; t: number; e: Record<string, unknown> };
      events.push({
        ws: rec.ws,
        t: rec.t,
        type: String(rec.e['type']),
        proj: projectEvent(rec.e),
        json: rec.e,
        raw: JSON.stringify(rec.e),
      });
    }
  }
  if (opts.fullBodies !== undefined) {
    const recs = opts.fullBodies
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { method: string; path: string; status: number; text: string });
    recs.forEach((r, i) => {
      const x = http[i];
      if (x && x.method === r.method && x.path === r.path && x.status === r.status) x.fullBody = r.text;
    });
  }
  return { http, events, notes, wsLines, eventSource: useJsonl ? 'jsonl' : 'log' };
}

// ------------------------------------------------------------------------------------ partial JSON parsing

/** A string, number or literal cut off by truncation: its value is unknown. */
export class Truncated {
  constructor(readonly prefix: string) {}
}
/** Marks arrays/objects whose end was cut off. */
export const INCOMPLETE = Symbol('incomplete');

/**
 * Parse a JSON text that may be cut off anywhere. Complete values are ordinary JSON values; containers whose
 * end is missing carry `[INCOMPLETE]: true`; a cut-off scalar is a `Truncated`. Returns undefined when the
 * text is not JSON at all (also when something other than truncation is wrong).
 */
export function parsePartialJson(text: string): { value: unknown; complete: boolean } | undefined {
  let i = 0;
  let cut = false;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const fail = (): never => {
    throw new SyntaxError('not json');
  };
  const value = (): unknown => {
    ws();
    if (i >= text.length) {
      cut = true;
      return new Truncated('');
    }
    const c = text[i]!;
    if (c === '{') {
      i++;
      const o: Record<string | symbol, unknown> = {};
      for (;;) {
        ws();
        if (i >= text.length) {
          o[INCOMPLETE] = true;
          cut = true;
          return o;
        }
        if (text[i] === '}') {
          i++;
          return o;
        }
        if (text[i] === ',') {
          i++;
          continue;
        }
        const k = value();
        if (k instanceof Truncated) {
          o[INCOMPLETE] = true;
          return o;
        }
        if (typeof k !== 'string') fail();
        ws();
        if (i >= text.length) {
          o[INCOMPLETE] = true;
          cut = true;
          return o;
        }
        if (text[i] !== ':') fail();
        i++;
        const v = value();
        o[k as string] = v;
        if (cut) {
          o[INCOMPLETE] = true;
          return o;
        }
      }
    }
    if (c === '[') {
      i++;
      const a: unknown[] & { [INCOMPLETE]?: boolean } = [];
      for (;;) {
        ws();
        if (i >= text.length) {
          a[INCOMPLETE] = true;
          cut = true;
          return a;
        }
        if (text[i] === ']') {
          i++;
          return a;
        }
        if (text[i] === ',') {
          i++;
          continue;
        }
        a.push(value());
        if (cut) {
          a[INCOMPLETE] = true;
          return a;
        }
      }
    }
    if (c === '"') {
      const end = scanJsonEnd(text, i);
      if (end < 0) {
        cut = true;
        const prefix = text.slice(i + 1);
        i = text.length;
        return new Truncated(prefix);
      }
      const s = JSON.parse(text.slice(i, end)) as string;
      i = end;
      return s;
    }
    const m = /^(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (m) {
      i += m[0].length;
      if (i >= text.length) {
        cut = true;
        return new Truncated(m[0]);
      }
      return JSON.parse(m[0]);
    }
    // a literal cut in the middle ("tr", "nul")
    const rest = text.slice(i);
    if (['true', 'false', 'null'].some((l) => l.startsWith(rest)) || /^-?\d*\.?$/.test(rest)) {
      cut = true;
      i = text.length;
      return new Truncated(rest);
    }
    return fail();
  };
  try {
    const v = value();
    ws();
    if (!cut && i < text.length) return undefined;
    return { value: v, complete: !cut };
  } catch {
    return undefined;
  }
}

/** Parse a body as JSON: full JSON, else a truncated prefix; undefined when it is not JSON-like. */
export function parseBodyJson(text: string): { value: unknown; complete: boolean } | undefined {
  const s = text.trim();
  if (!s.startsWith('{') && !s.startsWith('[')) return undefined;
  try {
    return { value: JSON.parse(s), complete: true };
  } catch {
    return parsePartialJson(s);
  }
}

// ---------------------------------------------------------------------------------------- normalisation

type IdKind = 'uniqueid' | 'uuid' | 'chanseq' | 'pointer';

const ID_RE =
  /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|(\b\d{9,11}\.\d+\b)|((?<=[\w@/.:]-)[0-9a-f]{8}(?![0-9a-f-]))|(\b0x[0-9a-f]{6,16}\b)/gi;
const TS_RE = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g;
const MAC_RE = /\b(?:[0-9a-f]{2}:){5}[0-9a-f]{2}\b/gi;
/** Keys whose values differ on every run. */
const VOLATILE_KEYS: Record<string, string> = {
  timestamp: '<timestamp>',
  creationtime: '<timestamp>',
  asterisk_id: '<asterisk_id>',
  // the RTP port an externalMedia channel bound: drawn from the configured range on each run
  UNICASTRTP_LOCAL_PORT: '<port>',
};

/**
 * Keys Switchyard deliberately does not send: the authorship notices (`_copyright`, `_author`,
 * `_svn_revision`) Asterisk keeps in its installed api-docs files. They are another project's copyright
 * lines, not API; the documents are otherwise compared in full.
 */
const NOT_REPRODUCED_KEYS = new Set(['_copyright', '_author', '_svn_revision']);

type Token = string | { kind: IdKind; value: string };

/** Timestamps, MAC-like ids and the HTML page's server string become fixed placeholders. */
export function normaliseText(s: string): string {
  return s
    .replace(TS_RE, '<timestamp>')
    .replace(MAC_RE, '<asterisk_id>')
    .replace(/<address>[^<]*<\/address>/g, '<address><server></address>');
}

/**
 * Channel-name sequence numbers come from separate counters in Asterisk: the unreal channels (Local, and the
 * Announcer and Recorder channels of bridge media) share one (main/core_unreal.c), Snoop channels have their
 * own (res/res_stasis_snoop.c), other technologies theirs. So `Snoop/k2-00000000` beside
 * `Local/echo@default-00000006;1` is two counters, not one id; the sequence number is bound within its
 * counter (the technology before the name), so that the same number in two counters is not a conflict.
 */
const SEQUENCE_COUNTER: Readonly<Record<string, string>> = { Local: 'unreal', Announcer: 'unreal', Recorder: 'unreal' };
const CHANNEL_TECH = /([A-Za-z][A-Za-z0-9_]*)\/[^\s"',/]*-$/;

function sequenceCounter(before: string): string {
  const tech = CHANNEL_TECH.exec(before)?.[1] ?? '';
  return SEQUENCE_COUNTER[tech] ?? tech;
}

export function tokenise(s: string): Token[] {
  const text = normaliseText(s);
  const out: Token[] = [];
  let last = 0;
  for (const m of text.matchAll(ID_RE)) {
    const kind: IdKind = m[1] ? 'uuid' : m[2] ? 'uniqueid' : m[3] ? 'chanseq' : 'pointer';
    const before = text.slice(last, m.index);
    out.push(before);
    out.push({ kind, value: kind === 'chanseq' ? `${sequenceCounter(before)}:${m[0]}` : m[0] });
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

/** Whether a text holds anything the normalisation rewrites (so its length may vary between runs). */
export function hasVolatile(s: string): boolean {
  return normaliseText(s) !== s || tokenise(s).length > 1 || s.includes('127.0.0.1:8088');
}

/** Binds generated ids of the actual side to those of the expected side, one to one, per kind. */
export class IdBinder {
  private readonly e2a = new Map<string, string>();
  private readonly a2e = new Map<string, string>();

  /** Compare two strings, binding ids; bindings are only recorded when the whole string matches. */
  matchString(exp: string, act: string): boolean {
    const te = tokenise(exp);
    const ta = tokenise(act);
    if (te.length !== ta.length) return false;
    const pending: [string, string][] = [];
    for (let i = 0; i < te.length; i++) {
      const a = te[i]!;
      const b = ta[i]!;
      if (typeof a === 'string' || typeof b === 'string') {
        if (a !== b) return false;
        continue;
      }
      if (a.kind !== b.kind) return false;
      const ek = `${a.kind}:${a.value}`;
      const ak = `${b.kind}:${b.value}`;
      const boundA = this.e2a.get(ek) ?? pending.find(([x]) => x === ek)?.[1];
      const boundE = this.a2e.get(ak) ?? pending.find(([, y]) => y === ak)?.[0];
      if (boundA !== undefined && boundA !== ak) return false;
      if (boundE !== undefined && boundE !== ek) return false;
      if (boundA === undefined) pending.push([ek, ak]);
    }
    for (const [ek, ak] of pending) {
      this.e2a.set(ek, ak);
      this.a2e.set(ak, ek);
    }
    return true;
  }
}

/** Replace volatile key values by placeholders, decode JSON `message_body` strings; recursive. */
export function normaliseJson(v: unknown): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] & { [INCOMPLETE]?: boolean } = v.map(normaliseJson);
    if ((v as { [INCOMPLETE]?: boolean })[INCOMPLETE]) out[INCOMPLETE] = true;
    return out;
  }
  if (v && typeof v === 'object' && !(v instanceof Truncated)) {
    const o = v as Record<string | symbol, unknown>;
    const out: Record<string | symbol, unknown> = {};
    for (const [k, x] of Object.entries(o)) {
      if (NOT_REPRODUCED_KEYS.has(k)) continue;
      if (VOLATILE_KEYS[k] !== undefined && (typeof x === 'string' || x instanceof Truncated))
        out[k] = VOLATILE_KEYS[k];
      else if (k === 'message_body' && typeof x === 'string' && parseBodyJson(x)?.complete) {
        out[k] = normaliseJson(JSON.parse(x));
      } else out[k] = normaliseJson(x);
    }
    if (o[INCOMPLETE]) out[INCOMPLETE] = true;
    return out;
  }
  return v;
}

const show = (v: unknown): string => {
  if (v instanceof Truncated) return `${JSON.stringify(v.prefix)}…`;
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 160 ? s.slice(0, 157) + '...' : s;
};

/**
 * Deep comparison (after normaliseJson on both sides), partial-aware: what is cut off on one side is not
 * compared. Pushes one line per difference into `out`.
 */
export function diffJson(exp: unknown, act: unknown, binder: IdBinder, path: string, out: string[]): void {
  if (exp instanceof Truncated || act instanceof Truncated) return;
  const where = path || '(body)';
  if (Array.isArray(exp) && Array.isArray(act)) {
    const ie = (exp as { [INCOMPLETE]?: boolean })[INCOMPLETE] === true;
    const ia = (act as { [INCOMPLETE]?: boolean })[INCOMPLETE] === true;
    if (!ie && !ia && exp.length !== act.length) {
      out.push(`${where}: expected ${exp.length} elements, got ${act.length}: expected ${show(exp)}, got ${show(act)}`);
      return;
    }
    if ((!ie && act.length > exp.length) || (!ia && exp.length > act.length)) {
      out.push(`${where}: expected ${ie ? '≥' : ''}${exp.length} elements, got ${ia ? '≥' : ''}${act.length}`);
    }
    const n = Math.min(exp.length, act.length);
    for (let i = 0; i < n; i++) diffJson(exp[i], act[i], binder, `${path}[${i}]`, out);
    return;
  }
  const isObj = (x: unknown): x is Record<string | symbol, unknown> =>
    !!x && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Truncated);
  if (isObj(exp) && isObj(act)) {
    const ie = exp[INCOMPLETE] === true;
    const ia = act[INCOMPLETE] === true;
    const keys = new Set([...Object.keys(exp), ...Object.keys(act)]);
    for (const k of keys) {
      const p = path ? `${path}.${k}` : k;
      const inE = Object.prototype.hasOwnProperty.call(exp, k);
      const inA = Object.prototype.hasOwnProperty.call(act, k);
      if (inE && inA) diffJson(exp[k], act[k], binder, p, out);
      else if (inE && !ia) out.push(`${p}: missing (expected ${show(exp[k])})`);
      else if (inA && !ie) out.push(`${p}: unexpected (got ${show(act[k])})`);
    }
    return;
  }
  if (typeof exp === 'string' && typeof act === 'string') {
    if (!binder.matchString(exp, act)) out.push(`${where}: expected ${show(exp)}, got ${show(act)}`);
    return;
  }
  if (exp !== act) out.push(`${where}: expected ${show(exp)}, got ${show(act)}`);
}

// ------------------------------------------------------------------------------------------- comparison

export interface HttpExclusion {
  readonly method?: string;
  /** matched against the printed path + query */
  readonly path: RegExp;
  /**
   * Only the recorded exchanges at these ms offsets of the recording (for statements a reduced script
   * leaves out although the same request also occurs elsewhere); the rule then does not apply to the replay.
   */
  readonly recordedAt?: readonly [number, number];
  /**
   * Only the nth (1-based) exchange this rule's method and path match, counted on each side: for one
   * statement among identical requests, in a script both sides run.
   */
  readonly occurrence?: number;
  /**
   * Keep the exchange and compare it, except these top-level fields of its JSON body (on both sides): for a
   * known difference confined to one field. Without `fields` the whole exchange is left out.
   */
  readonly fields?: readonly string[];
  readonly why: string;
}
export interface EventExclusion {
  readonly why: string;
  /** `side` lets a rule apply to the recording only (e.g. by time window, for a reduced script) */
  readonly match: (e: TraceEvent, side: Side) => boolean;
  /**
   * Keep the matched events and compare them, except these fields of their compared projection (dotted
   * paths, e.g. `bridge.technology`). Without `fields` the events are left out.
   */
  readonly fields?: readonly string[];
}
export interface NoteExclusion {
  readonly match: RegExp;
  readonly why: string;
}
export interface Exclusions {
  readonly http?: readonly HttpExclusion[];
  readonly events?: readonly EventExclusion[];
  readonly notes?: readonly NoteExclusion[];
}

export interface ItemResult {
  readonly label: string;
  readonly ok: boolean;
  readonly diffs: string[];
  readonly warnings: string[];
  readonly expected: string;
  readonly actual: string;
}

export interface GroupResult {
  readonly key: string;
  readonly ok: boolean;
  readonly diffs: string[];
  /** the sequences aligned for display: '    ' equal, '  ~ ' changed, '  - ' only expected, '  + ' only actual */
  readonly lines: string[];
}

export interface Report {
  readonly exchanges: ItemResult[];
  readonly groups: GroupResult[];
  readonly excluded: { http: number; events: number; notes: number };
  /** recorded exchanges and events compared without some of their fields (`fields` exclusions) */
  readonly partial: { http: number; events: number };
  readonly warnings: string[];
}

/** All channel ids an event refers to (channel, Dial peer/caller). */
export function channelIds(e: TraceEvent): string[] {
  const ids: string[] = [];
  for (const k of ['channel', 'peer', 'caller']) {
    const c = e.proj[k] as { id?: string } | undefined;
    if (c?.id) ids.push(c.id);
  }
  return ids;
}

export function channelNames(e: TraceEvent): string[] {
  const names: string[] = [];
  for (const k of ['channel', 'peer', 'caller']) {
    const c = e.proj[k] as { name?: string } | undefined;
    if (c?.name) names.push(c.name);
  }
  return names;
}

/**
 * The sequence an event belongs to: WebSocket + application + channel (Dial: its peer), else + bridge,
 * playback, recording or type. The application is part of the key because on a socket serving several
 * apps Asterisk delivers each app's events from that app's own subscription, so their interleaving (like
 * that of different channels) is not ordered.
 */
export function groupKey(e: TraceEvent): string {
  const key = groupKeyInApp(e);
  const app = e.proj['application'];
  return typeof app === 'string' ? key.replace(' ', ` ${app} `) : key;
}

function groupKeyInApp(e: TraceEvent): string {
  const p = e.proj;
  const ch =
    (p['channel'] as { id?: string } | undefined)?.id ??
    (e.type === 'Dial' ? (p['peer'] as { id?: string } | undefined)?.id : undefined);
  if (ch !== undefined) return `${e.ws} channel:${ch}`;
  const br = (p['bridge'] as { id?: string } | undefined)?.id;
  if (br !== undefined) return `${e.ws} bridge:${br}`;
  const pb = (p['playback'] as { id?: string } | undefined)?.id;
  if (pb !== undefined) return `${e.ws} playback:${pb}`;
  const rec = (p['recording'] as { name?: string } | undefined)?.name;
  if (rec !== undefined) return `${e.ws} recording:${rec}`;
  return `${e.ws} type:${e.type}`;
}

/** Group keys with generated ids replaced by per-side first-appearance numbers (<uniqueid#1>). */
function canonicalKeys(keys: string[]): Map<string, string> {
  const seen = new Map<string, number>();
  const out = new Map<string, string>();
  for (const k of keys) {
    if (out.has(k)) continue;
    out.set(
      k,
      tokenise(k)
        .map((t) => {
          if (typeof t === 'string') return t;
          const id = `${t.kind}:${t.value}`;
          if (!seen.has(id)) seen.set(id, seen.size + 1);
          return `<${t.kind}#${seen.get(id)}>`;
        })
        .join(''),
    );
  }
  return out;
}

/** One line for an event's compared fields, like the scripts' EV lines. */
export function renderEvent(e: TraceEvent): string {
  const p = e.proj;
  const c = p['channel'] as Record<string, unknown> | undefined;
  let s = `${e.type}`;
  if (c) {
    const d = c['dialplan'] as Record<string, unknown> | undefined;
    s += ` ch=${String(c['id'])}(${String(c['name'])},${String(c['state'])}${d ? `,${String(d['context'])}/${String(d['exten'])}/${String(d['priority'])}/${String(d['app_name'])}` : ''})`;
  }
  const rest = Object.entries(p)
    .filter(([k]) => !['type', 'channel', 'application'].includes(k))
    .map(([k, v]) => {
      // Dial's peer/caller and the bridge: just who they are (the diff lines carry the field details)
      const o = v as Record<string, unknown> | undefined;
      if ((k === 'peer' || k === 'caller') && o && typeof o === 'object' && 'id' in o) {
        return `${k}=${String(o['id'])}(${String(o['name'])},${String(o['state'])})`;
      }
      if (k === 'bridge' && o && typeof o === 'object' && 'id' in o)
        return `br=${String(o['id'])}${show(o['channels'])}`;
      return `${k}=${show(v)}`;
    });
  return [s, ...rest].join(' ');
}

/**
 * A side's exchanges with the exclusion rules applied: those a rule leaves out are dropped; those a `fields`
 * rule matches are kept with the fields to leave out of their body comparison.
 */
function applyHttpRules(
  xs: readonly HttpExchange[],
  rules: readonly HttpExclusion[],
  side: Side,
): { x: HttpExchange; omit: readonly string[] }[] {
  const seen = new Map<HttpExclusion, number>();
  const out: { x: HttpExchange; omit: readonly string[] }[] = [];
  for (const x of xs) {
    const omit: string[] = [];
    let dropped = false;
    for (const r of rules) {
      if ((r.method !== undefined && r.method !== x.method) || !r.path.test(x.path)) continue;
      const n = (seen.get(r) ?? 0) + 1;
      seen.set(r, n);
      if (r.occurrence !== undefined && r.occurrence !== n) continue;
      if (r.recordedAt !== undefined && !(side === 'expected' && x.t >= r.recordedAt[0] && x.t <= r.recordedAt[1]))
        continue;
      if (r.fields === undefined) dropped = true;
      else omit.push(...r.fields);
    }
    if (!dropped) out.push({ x, omit });
  }
  return out;
}

/** A copy of `v` without the given dotted paths (missing paths are ignored). */
export function withoutFields(v: unknown, paths: readonly string[]): unknown {
  if (paths.length === 0 || !v || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: Record<string | symbol, unknown> = { ...(v as Record<string | symbol, unknown>) };
  for (const path of paths) {
    const [head, ...rest] = path.split('.');
    if (head === undefined || !(head in out)) continue;
    if (rest.length === 0) delete out[head];
    else out[head] = withoutFields(out[head], [rest.join('.')]);
  }
  return out;
}

function renderHttp(x: HttpExchange | undefined): string {
  if (!x) return '(none)';
  return x.raw.length > 600 ? x.raw.slice(0, 597) + '...' : x.raw;
}

const IGNORED_HEADERS = new Set(['date', 'server', 'connection', 'keep-alive']);
/**
 * Headers Switchyard adds on purpose where Asterisk sends none: `Accept-Ranges: bytes` on raw bodies (a stored
 * recording's file), because it answers HTTP Range requests there (issue 9; Asterisk ignores Range). Only the
 * exact value is let through, and only when the recording has no such header.
 */
const ADDED_HEADERS: Readonly<Record<string, string | undefined>> = { 'accept-ranges': 'bytes' };
/** How lib.mjs prints a body read as binary (`{binary: true}`). */
const BINARY_BODY = /^<\d+ bytes>$/;

function compareHttp(
  e: HttpExchange,
  a: HttpExchange,
  binder: IdBinder,
  omit: readonly string[] = [],
): { diffs: string[]; warnings: string[] } {
  const diffs: string[] = [];
  const warnings: string[] = [];
  if (
    e.method !== a.method ||
    !binder.matchString(e.path, a.path) ||
    !binder.matchString(e.reqBody ?? '', a.reqBody ?? '')
  ) {
    diffs.push(
      `request differs (the replay went astray): expected ${e.method} ${e.path} ${e.reqBody ?? ''}, got ${a.method} ${a.path} ${a.reqBody ?? ''}`,
    );
    return { diffs, warnings };
  }
  if (e.status !== a.status)
    diffs.push(`status: expected ${e.status} ${e.statusText}, got ${a.status} ${a.statusText}`);
  else if (e.statusText !== a.statusText)
    warnings.push(`reason phrase: expected "${e.statusText}", got "${a.statusText}" (not asserted)`);
  // body
  const ej = parseBodyJson(e.fullBody ?? e.body);
  const aj = parseBodyJson(a.fullBody ?? a.body);
  if (ej && aj) {
    diffJson(
      withoutFields(normaliseJson(ej.value), omit),
      withoutFields(normaliseJson(aj.value), omit),
      binder,
      '',
      diffs,
    );
  } else if (ej && !aj) {
    diffs.push(`body: expected JSON ${show(e.body)}, got ${show(a.fullBody ?? a.body)}`);
  } else if (!binder.matchString(e.body, a.body)) {
    diffs.push(`body: expected ${show(e.body)}, got ${show(a.body)}`);
  }
  // headers, where the script printed them
  if (e.headers || a.headers) {
    const eh = e.headers ?? {};
    const ah = a.headers ?? {};
    const volatile = hasVolatile(e.fullBody ?? e.body) || hasVolatile(a.fullBody ?? a.body);
    for (const k of new Set([...Object.keys(eh), ...Object.keys(ah)])) {
      if (IGNORED_HEADERS.has(k)) continue;
      if (k === 'content-length' && volatile && eh[k] !== undefined && ah[k] !== undefined) continue;
      if (eh[k] === undefined && ah[k] === ADDED_HEADERS[k] && BINARY_BODY.test(a.body)) continue;
      if (eh[k] === undefined) diffs.push(`header ${k}: unexpected (got ${JSON.stringify(ah[k])})`);
      else if (ah[k] === undefined) diffs.push(`header ${k}: missing (expected ${JSON.stringify(eh[k])})`);
      else if (!binder.matchString(eh[k], ah[k]))
        diffs.push(`header ${k}: expected ${JSON.stringify(eh[k])}, got ${JSON.stringify(ah[k])}`);
    }
  }
  return { diffs, warnings };
}

/** Split a note into its leading text and a trailing JSON payload, if any. */
function splitNote(text: string): { prefix: string; json: unknown } {
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '{' && text[i] !== '[') continue;
    try {
      return { prefix: text.slice(0, i), json: JSON.parse(text.slice(i)) };
    } catch {
      /* not here */
    }
  }
  return { prefix: text, json: undefined };
}

function compareNote(e: Note, a: Note, binder: IdBinder): string[] {
  const diffs: string[] = [];
  const se = splitNote(e.text);
  const sa = splitNote(a.text);
  if (se.json !== undefined && sa.json !== undefined) {
    if (!binder.matchString(se.prefix, sa.prefix))
      diffs.push(`text: expected ${show(se.prefix)}, got ${show(sa.prefix)}`);
    diffJson(normaliseJson(se.json), normaliseJson(sa.json), binder, '', diffs);
  } else if (!binder.matchString(e.text, a.text)) {
    diffs.push(`expected ${show(e.text)}, got ${show(a.text)}`);
  }
  return diffs;
}

/** Longest common subsequence alignment of two sequences by a signature, for readable sequence diffs. */
function align<T>(xs: T[], ys: T[], eq: (x: T, y: T) => boolean): [T | undefined, T | undefined][] {
  const n = xs.length;
  const m = ys.length;
  const L: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      L[i]![j] = eq(xs[i]!, ys[j]!) ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  const out: [T | undefined, T | undefined][] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && eq(xs[i]!, ys[j]!)) out.push([xs[i++], ys[j++]]);
    else if (j < m && (i >= n || L[i]![j + 1]! >= L[i + 1]![j]!)) out.push([undefined, ys[j++]]);
    else out.push([xs[i++], undefined]);
  }
  return out;
}

/** Signature for display alignment only: the rendered event with ids reduced to their kind. */
function signature(e: TraceEvent): string {
  return tokenise(renderEvent(e))
    .map((t) => (typeof t === 'string' ? t : `<${t.kind}>`))
    .join('');
}

export function compareTraces(expected: Trace, actual: Trace, exclude: Exclusions = {}): Report {
  const binder = new IdBinder();
  const exchanges: ItemResult[] = [];
  const warnings: string[] = [];
  const excluded = { http: 0, events: 0, notes: 0 };
  const partial = { http: 0, events: 0 };

  // HTTP exchanges, in order
  const httpRules = exclude.http ?? [];
  const ehr = applyHttpRules(expected.http, httpRules, 'expected');
  const ahr = applyHttpRules(actual.http, httpRules, 'actual');
  const eh = ehr.map((r) => r.x);
  const ah = ahr.map((r) => r.x);
  excluded.http = expected.http.length - eh.length;
  partial.http = ehr.filter((r) => r.omit.length > 0).length;
  for (let i = 0; i < Math.max(eh.length, ah.length); i++) {
    const e = eh[i];
    const a = ah[i];
    const label = e ? `HTTP ${e.method} ${e.path}` : `HTTP ${a!.method} ${a!.path}`;
    if (!e || !a) {
      exchanges.push({
        label,
        ok: false,
        diffs: [
          e ? 'missing in the replay (the script stopped early or skipped it)' : 'not in the recording (extra request)',
        ],
        warnings: [],
        expected: renderHttp(e),
        actual: renderHttp(a),
      });
      continue;
    }
    const omit = [...(ehr[i]?.omit ?? []), ...(ahr[i]?.omit ?? [])];
    const r = compareHttp(e, a, binder, omit);
    warnings.push(...r.warnings.map((w) => `${label}: ${w}`));
    exchanges.push({
      label,
      ok: r.diffs.length === 0,
      diffs: r.diffs,
      warnings: r.warnings,
      expected: renderHttp(e),
      actual: renderHttp(a),
    });
  }

  // other log lines, in order
  const noteRules = exclude.notes ?? [];
  const keepNote = (n: Note): boolean => !noteRules.some((r) => r.match.test(n.text));
  const en = expected.notes.filter(keepNote);
  const an = actual.notes.filter(keepNote);
  excluded.notes = expected.notes.length - en.length;
  for (let i = 0; i < Math.max(en.length, an.length); i++) {
    const e = en[i];
    const a = an[i];
    const label = `log line "${(e ?? a)!.text.slice(0, 60).split('\n')[0]}"`;
    const diffs = e && a ? compareNote(e, a, binder) : [e ? 'missing in the replay' : 'not in the recording'];
    exchanges.push({
      label,
      ok: diffs.length === 0,
      diffs,
      warnings: [],
      expected: e?.text ?? '(none)',
      actual: a?.text ?? '(none)',
    });
  }

  // events per group
  const evRules = exclude.events ?? [];
  // dropped by a rule without fields; else compared without the fields of the rules that match it
  const applyEv = (side: Side) => (evs: TraceEvent[]) =>
    evs.flatMap((e): TraceEvent[] => {
      const rules = evRules.filter((r) => r.match(e, side));
      if (rules.some((r) => r.fields === undefined)) return [];
      const omit = rules.flatMap((r) => r.fields ?? []);
      if (omit.length === 0) return [e];
      if (side === 'expected') partial.events++;
      return [{ ...e, proj: withoutFields(e.proj, omit) as Record<string, unknown> }];
    });
  const ee = applyEv('expected')(expected.events);
  const ae = applyEv('actual')(actual.events);
  excluded.events = expected.events.length - ee.length;
  const group = (evs: TraceEvent[]): Map<string, TraceEvent[]> => {
    const canon = canonicalKeys(evs.map(groupKey));
    const m = new Map<string, TraceEvent[]>();
    for (const e of evs) {
      const k = canon.get(groupKey(e))!;
      if (!m.has(k)) m.set(k, []);
      m.get(k)!.push(e);
    }
    return m;
  };
  const eg = group(ee);
  const ag = group(ae);
  // WebSocket open/close lines: one sequence per socket
  const wsGroup = (lines: WsLine[]): Map<string, string[]> => {
    const m = new Map<string, string[]>();
    for (const l of lines) {
      const k = `${l.ws} lifecycle`;
      if (!m.has(k)) m.set(k, []);
      m.get(k)!.push(l.what);
    }
    return m;
  };
  const ewl = wsGroup(expected.wsLines);
  const awl = wsGroup(actual.wsLines);

  const groups: GroupResult[] = [];
  for (const key of new Set([...ewl.keys(), ...awl.keys()])) {
    const x = ewl.get(key) ?? [];
    const y = awl.get(key) ?? [];
    const ok = x.length === y.length && x.every((v, i) => v === y[i]);
    groups.push({ key, ok, diffs: ok ? [] : [`expected ${JSON.stringify(x)}, got ${JSON.stringify(y)}`], lines: [] });
  }
  for (const key of new Set([...eg.keys(), ...ag.keys()])) {
    const x = eg.get(key) ?? [];
    const y = ag.get(key) ?? [];
    // Align the two sequences (LCS on the rendered events with ids reduced to their kind); between two
    // aligned events, what is left on both sides is paired up in order (a changed event), the rest is
    // missing or unexpected. Aligned and paired events are compared field by field. The sequences are
    // equal exactly when nothing is reported.
    const diffs: string[] = [];
    const lines: string[] = [];
    const compareEv = (e: TraceEvent, a: TraceEvent, i: number, j: number): void => {
      const d: string[] = [];
      diffJson(normaliseJson(e.proj), normaliseJson(a.proj), binder, '', d);
      if (d.length) diffs.push(`expected #${i} ${e.type} vs actual #${j} ${a.type}: ${d.join('; ')}`);
      lines.push(d.length ? `  ~ ${renderEvent(e)}\n      ≠ ${renderEvent(a)}` : `    ${renderEvent(e)}`);
    };
    const pairs = align(
      x.map((e, i) => ({ e, i })),
      y.map((e, i) => ({ e, i })),
      (p, q) => signature(p.e) === signature(q.e),
    );
    let k = 0;
    while (k < pairs.length) {
      const [p, q] = pairs[k]!;
      if (p && q) {
        compareEv(p.e, q.e, p.i, q.i);
        k++;
        continue;
      }
      // a run of unaligned events on either side
      const onlyE: { e: TraceEvent; i: number }[] = [];
      const onlyA: { e: TraceEvent; i: number }[] = [];
      while (k < pairs.length && !(pairs[k]![0] && pairs[k]![1])) {
        const [pe, qa] = pairs[k]!;
        if (pe) onlyE.push(pe);
        if (qa) onlyA.push(qa);
        k++;
      }
      const n = Math.min(onlyE.length, onlyA.length);
      for (let m = 0; m < n; m++) compareEv(onlyE[m]!.e, onlyA[m]!.e, onlyE[m]!.i, onlyA[m]!.i);
      for (const { e, i } of onlyE.slice(n)) {
        diffs.push(`expected #${i} missing: ${renderEvent(e)}`);
        lines.push(`  - ${renderEvent(e)}`);
      }
      for (const { e, i } of onlyA.slice(n)) {
        diffs.push(`actual #${i} unexpected: ${renderEvent(e)}`);
        lines.push(`  + ${renderEvent(e)}`);
      }
    }
    groups.push({ key, ok: diffs.length === 0, diffs, lines });
  }
  return { exchanges, groups, excluded, partial, warnings };
}

export function summaryLine(name: string, r: Report): string {
  const okX = r.exchanges.filter((x) => x.ok).length;
  const okG = r.groups.filter((g) => g.ok).length;
  return (
    `conformance ${name}: ${okX}/${r.exchanges.length} exchanges match, ${okG}/${r.groups.length} event sequences match` +
    ` (excluded: ${r.excluded.http} HTTP, ${r.excluded.events} events, ${r.excluded.notes} log lines` +
    (r.partial.http + r.partial.events > 0
      ? `; compared without some fields: ${r.partial.http} HTTP, ${r.partial.events} events)`
      : ')')
  );
}

/** Expected vs actual for the first `max` failing exchanges and event sequences. */
export function formatMismatches(r: Report, max = 5): string {
  const out: string[] = [];
  const badX = r.exchanges.filter((x) => !x.ok);
  for (const x of badX.slice(0, max)) {
    out.push(`✗ ${x.label}`);
    for (const d of x.diffs.slice(0, 8)) out.push(`    ${d}`);
    out.push(`    expected: ${x.expected}`);
    out.push(`    actual:   ${x.actual}`);
  }
  if (badX.length > max) out.push(`… and ${badX.length - max} more failing exchanges`);
  const badG = r.groups.filter((g) => !g.ok);
  for (const g of badG.slice(0, max)) {
    out.push(`✗ events ${g.key}`);
    for (const d of g.diffs.slice(0, 6)) out.push(`    ${d}`);
    if (g.lines.length) out.push('    sequence (~ differs, - only expected, + only actual):');
    for (const l of g.lines.slice(0, 40)) out.push(`    ${l}`);
  }
  if (badG.length > max) out.push(`… and ${badG.length - max} more failing event sequences`);
  return out.join('\n');
}
