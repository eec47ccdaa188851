/**
 * Q.850 cause ↔ SIP status, as chan_pjsip maps them (reference sip-reference.md §3): the status of a failure
 * response received becomes the channel's hangup cause, and the cause of a channel Switchyard hangs up becomes
 * the final response it sends (and the `tech_cause` ARI reports).
 */

const STATUS_TO_CAUSE: Readonly<Record<number, number>> = {
  302: 23,
  401: 21,
  403: 21,
  407: 21,
  404: 1,
  405: 127,
  408: 18,
  409: 41,
  410: 22,
  411: 127,
  413: 127,
  414: 127,
  415: 127,
  420: 3,
  480: 19,
  481: 127,
  482: 127,
  483: 19,
  484: 28,
  485: 1,
  486: 17,
  487: 127,
  488: 58,
  491: 127,
  493: 127,
  500: 38,
  501: 29,
  502: 27,
  503: 34,
  504: 102,
  505: 127,
  600: 17,
  603: 21,
  604: 1,
  606: 58,
};

/** §3.1: the Q.850 cause for a SIP final status received. */
export function causeFromStatus(status: number): number {
  const mapped = STATUS_TO_CAUSE[status];
  if (mapped !== undefined) return mapped;
  if (status >= 400 && status < 500) return 127;
  if (status >= 500 && status < 600) return 34;
  if (status >= 600 && status < 700) return 127;
  return 16;
}

const CAUSE_TO_STATUS: Readonly<Record<number, number>> = {
  1: 404,
  2: 404,
  3: 404,
  17: 486,
  18: 408,
  19: 480,
  20: 480,
  21: 403,
  22: 410,
  23: 302,
  26: 603,
  27: 502,
  28: 484,
  29: 501,
  31: 480,
  34: 503,
  38: 500,
  42: 503,
  58: 488,
  66: 503,
  127: 500,
};

/** §3.2: the SIP status Switchyard sends for a Q.850 cause; unmapped causes (16 among them) give 603 Decline. */
export function statusFromCause(cause: number): number {
  return CAUSE_TO_STATUS[cause] ?? 603;
}

/** Whether the cause has its own SIP status (then it is reported as `tech_cause`, else not, §3.4). */
export function hasStatusForCause(cause: number): boolean {
  return CAUSE_TO_STATUS[cause] !== undefined;
}

/** RFC 3261 §21 reason phrases for the statuses Switchyard sends. */
const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  302: 'Moved Temporarily',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  410: 'Gone',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  484: 'Address Incomplete',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  505: 'Version Not Supported',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
  606: 'Not Acceptable',
};

export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? (status < 200 ? 'Session Progress' : 'Unknown');
}

/**
 * The cause carried by `Reason` headers of a BYE or CANCEL (RFC 3326): `Q.850;cause=N` wins (masked to 7 bits),
 * else `SIP;cause=C` through §3.1 (`SIP;cause=200` → 16). Undefined when there is none.
 */
export function causeFromReasonHeaders(values: readonly string[]): number | undefined {
  let sipCause: number | undefined;
  for (const value of values) {
    const m = /^\s*([A-Za-z0-9.]+)\s*((?:;[^;]*)*)$/.exec(value);
    if (!m) continue;
    const protocol = m[1]!.toUpperCase();
    const cause = /;\s*cause\s*=\s*(\d+)/i.exec(m[2] ?? '');
    if (!cause) continue;
    const n = Number.parseInt(cause[1]!, 10);
    if (protocol === 'Q.850') return n & 0x7f;
    if (protocol === 'SIP' && sipCause === undefined) sipCause = n >= 200 && n < 300 ? 16 : causeFromStatus(n);
  }
  return sipCause;
}

/** The `Reason` header value Switchyard writes on a BYE, CANCEL or final error for a channel with `cause`. */
export function q850Reason(cause: number): string {
  return `Q.850;cause=${cause}`;
}
