/**
 * DTMF carried in SIP INFO bodies (sip-reference §4.8): `application/dtmf-relay` (`Signal=5\r\nDuration=250`) and
 * `application/dtmf` (the digit or its event number, `11` → `#`). Duration defaults to 100 ms. Hook flash and
 * unknown signals are errors (answered 500); another content type is not DTMF at all (undefined).
 */

const EVENT_DIGITS = '0123456789*#ABCD';

function digitOf(signal: string): string | { error: string } {
  const s = signal.trim();
  if (s === '') return { error: 'empty signal' };
  if (/^\d+$/.test(s)) {
    const n = Number.parseInt(s, 10);
    if (n < EVENT_DIGITS.length) return EVENT_DIGITS[n]!;
    return { error: 'unknown event' };
  }
  const upper = s.toUpperCase();
  if (upper.length === 1 && EVENT_DIGITS.includes(upper)) return upper;
  return { error: 'unknown signal' };
}

export function parseInfoDtmf(
  contentType: string,
  body: string,
): { digit: string; durationMs: number } | { error: string } | undefined {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/dtmf') {
    const d = digitOf(body);
    return typeof d === 'string' ? { digit: d, durationMs: 100 } : d;
  }
  if (type !== 'application/dtmf-relay') return undefined;
  let signal: string | undefined;
  let durationMs = 100;
  for (const line of body.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq === -1) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (key === 'signal') signal = value;
    else if (key === 'duration') {
      const n = Number.parseInt(value, 10);
      if (Number.isFinite(n) && n > 0) durationMs = n;
    }
  }
  if (signal === undefined) return { error: 'no signal' };
  if (signal === '!') return { digit: '', durationMs }; // hook flash: no ARI DTMF event
  const d = digitOf(signal);
  return typeof d === 'string' ? { digit: d, durationMs } : d;
}
