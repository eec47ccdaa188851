/**
 * Switchyard's additions to chan_websocket's dial string, each off unless the request asks for it (Asterisk has
 * none of them; it ignores unknown letters, so a dial string written for Asterisk means the same here):
 *
 *   <ws://host:port/path?query>  in place of the connection id: dial this URI (client mode), when its host is in
 *                websocket_client.conf `[general] allowed_per_call_hosts`
 *   h(name=value,…)  extra handshake headers (client mode); values URI-encoded as `v()`'s are, decoded before
 *                sending; the headers the handshake itself uses are refused
 *   m  m(VAR,…)  MEDIA_START also carries the Stasis application and its args, and these channel variables
 *                (dialplan functions such as `CALLERID(num)` too), in both text forms
 *   l            messages of any size (up to LARGE_MEDIA_MESSAGE_BYTES): cut into 20 ms frames instead of closing
 *                the socket with 1009 and hanging up; a message the full queue refuses is answered with ERROR
 *   r            markers that FLUSH_MEDIA drops are answered (MEDIA_MARK_PROCESSED, MEDIA_BUFFERING_COMPLETED) in
 *                order, as Twilio echoes the marks a `clear` discards
 *   a            server mode: the app must present the channel's MEDIA_WEBSOCKET_TOKEN on `/media/<id>`
 */

/** The per-request additions a dial string asked for. */
export interface WebSocketBeyondOptions {
  /** `h()`: name and decoded value, in the order written. */
  readonly headers: readonly (readonly [string, string])[];
  /** `m`: the variables MEDIA_START adds (possibly none); undefined when MEDIA_START is Asterisk's alone. */
  readonly mediaStartVariables: readonly string[] | undefined;
  readonly largeMessages: boolean;
  readonly reportFlushedMarks: boolean;
  readonly requireToken: boolean;
}

/** RFC 9110 §5.6.2 token: what a header name may be made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Headers the WebSocket handshake sets itself (RFC 6455 §4.1), or that would break the request. */
const RESERVED_HEADERS = new Set([
  'host',
  'connection',
  'upgrade',
  'content-length',
  'transfer-encoding',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'sec-websocket-accept',
]);
/** What `v()` accepts for each name and value (ast_uri_verify_encoded): unreserved characters or `%XX`. */
const ENCODED = /^(?:[A-Za-z0-9\-_.+]|%[0-9A-Fa-f]{2})*$/;
/** Whether a decoded header value holds a control character (tab is allowed: RFC 9110 §5.5). */
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

/** `h()`'s pairs, or why they are refused. */
function parseHeaders(arg: string): (readonly [string, string])[] | { error: string } {
  const out: (readonly [string, string])[] = [];
  for (const pair of arg.split(',')) {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    const encoded = eq === -1 ? '' : pair.slice(eq + 1);
    if (eq === -1 || !TOKEN.test(name)) return { error: `Invalid header '${pair}'` };
    if (RESERVED_HEADERS.has(name.toLowerCase())) return { error: `Header '${name}' cannot be set per call` };
    if (!ENCODED.test(encoded)) return { error: `Header '${name}': the value must be URI-encoded` };
    // ENCODED admits only whole %XX escapes, but they may still not spell UTF-8 (%FF): refused, not thrown.
    let value: string;
    try {
      value = decodeURIComponent(encoded);
    } catch {
      return { error: `Header '${name}': the value is not URI-encoded UTF-8` };
    }
    if (hasControl(value)) return { error: `Header '${name}': control characters in the value` };
    out.push([name, value]);
  }
  return out;
}

/** `m()`'s names: split at the commas outside parentheses, so `CALLERID(num)` or `CUT(x,-,1)` stay whole. */
function parseNames(arg: string): string[] | { error: string } {
  const names: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= arg.length; i++) {
    const c = arg[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (i === arg.length || (c === ',' && depth === 0)) {
      const name = arg.slice(start, i).trim();
      if (name === '' || /\s/.test(name)) return { error: `Invalid variable name '${name}' in m()` };
      names.push(name);
      start = i + 1;
    }
  }
  return names;
}

/** Collects the letters of one dial string. */
export class BeyondOptionsDraft {
  #headers: (readonly [string, string])[] = [];
  #mediaStartVariables: string[] | undefined;
  #largeMessages = false;
  #reportFlushedMarks = false;
  #requireToken = false;

  /** Take option `letter`: undefined when it is not one of these, else whether it was accepted. */
  take(letter: string, arg: string): { error: string } | 'taken' | undefined {
    switch (letter) {
      case 'h': {
        if (arg === '') return 'taken';
        const headers = parseHeaders(arg);
        if ('error' in headers) return headers;
        this.#headers = headers;
        return 'taken';
      }
      case 'm': {
        const names = arg === '' ? [] : parseNames(arg);
        if ('error' in names) return names;
        this.#mediaStartVariables = names;
        return 'taken';
      }
      case 'l':
        this.#largeMessages = true;
        return 'taken';
      case 'r':
        this.#reportFlushedMarks = true;
        return 'taken';
      case 'a':
        this.#requireToken = true;
        return 'taken';
      default:
        return undefined;
    }
  }

  result(): WebSocketBeyondOptions {
    return {
      headers: this.#headers,
      mediaStartVariables: this.#mediaStartVariables,
      largeMessages: this.#largeMessages,
      reportFlushedMarks: this.#reportFlushedMarks,
      requireToken: this.#requireToken,
    };
  }
}

/**
 * A resource that opens with `<`: the URI up to the matching `>`, and where the options start (the index of the
 * `/` after it, -1 when nothing follows). Undefined when the resource does not open with `<`.
 */
export function splitBracketedUri(resource: string): { uri: string; slash: number } | { error: string } | undefined {
  if (!resource.startsWith('<')) return undefined;
  const close = resource.indexOf('>');
  if (close === -1) return { error: "Missing '>' after the URI" };
  const uri = resource.slice(1, close);
  if (uri === '') return { error: 'A connection id is required' };
  if (close + 1 === resource.length) return { uri, slash: -1 };
  if (resource[close + 1] !== '/') return { error: "The URI's '>' must end the connection id" };
  return { uri, slash: close + 1 };
}
