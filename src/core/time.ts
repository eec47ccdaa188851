/**
 * Asterisk's timestamp format for ARI (`ast_json_timeval`): local time, milliseconds, and a numeric
 * offset without a colon, e.g. `2026-11-22T17:32:57.665+0000`.
 */
function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

let cachedSecond = -1;
let cachedPrefix = '';
let cachedOffset = '';

export function formatTimestamp(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    // Events come in bursts within one second: build the date/offset part once per second.
    const d = new Date(second * 1000);
    const offsetMin = -d.getTimezoneOffset();
    const sign = offsetMin >= 0 ? '+' : '-';
    const abs = Math.abs(offsetMin);
    cachedOffset = `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
    cachedPrefix =
      `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
      `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.`;
    cachedSecond = second;
  }
  return cachedPrefix + pad(ms - second * 1000, 3) + cachedOffset;
}

export function nowTimestamp(): string {
  return formatTimestamp(Date.now());
}
