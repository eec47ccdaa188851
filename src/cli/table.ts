/**
 * Plain-text tables in the manner of `asterisk -rx 'core show channels'`: a header line, one line per row,
 * columns left-aligned and as wide as their widest cell, separated by two spaces; the last column is not padded.
 */

const GUTTER = '  ';

export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    headers
      .map((_, i) => (i === headers.length - 1 ? (cells[i] ?? '') : (cells[i] ?? '').padEnd(widths[i]!)))
      .join(GUTTER)
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** `1 active channel`, `3 active channels`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** Seconds as `HH:MM:SS` (hours keep growing past 99), as `core show channels verbose` prints a duration. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}

/** `1 day, 2 hours, 3 minutes, 4 seconds` (zero parts left out), as `core show uptime` words an uptime. */
export function formatUptime(totalSeconds: number): string {
  let s = Math.max(0, Math.floor(totalSeconds));
  const parts: string[] = [];
  for (const [unit, size] of [
    ['week', 604800],
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ] as const) {
    const n = Math.floor(s / size);
    s -= n * size;
    if (n > 0) parts.push(plural(n, unit));
  }
  if (s > 0 || parts.length === 0) parts.push(plural(s, 'second'));
  return parts.join(', ');
}

/** An ARI timestamp (`2026-01-02T03:04:05.678+0000`) in ms since the epoch; NaN when it does not parse. */
export function parseAriTimestamp(text: string): number {
  return Date.parse(text.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
}
