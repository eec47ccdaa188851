/**
 * Log levels of a logger channel, as Asterisk 22's logger.c names and parses them, and how Switchyard's
 * structured log levels (pino's numbers) land on them.
 *
 * A channel's configuration is a comma list of level names, any case, blanks around each ignored; `*` is every
 * level, `verbose(N)` is VERBOSE; unknown names are skipped, so `bogus` makes a channel with no level at all
 * (Asterisk 22.10.1 creates it and lists its configuration as ""). An optional `[json]`, `[plain]` or
 * `[default]` in front picks the line format. ARI lists a channel's levels in the logger's level order, upper
 * case, each followed by one space: `NOTICE WARNING ERROR `.
 */

/** logger.c's level table, in its order; a channel's levels are a bit mask over these indexes. */
export const LOG_LEVELS = ['DEBUG', 'TRACE', 'NOTICE', 'WARNING', 'ERROR', 'VERBOSE', 'DTMF'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

const ALL_LEVELS = (1 << LOG_LEVELS.length) - 1;
const bit = (name: LogLevelName): number => 1 << LOG_LEVELS.indexOf(name);

/** How a file channel writes a line: Asterisk's text layout, or the structured record as it is. */
export type LineFormat = 'text' | 'json';

export interface LogChannelConfig {
  /** Bit i set: level LOG_LEVELS[i] is written. */
  readonly mask: number;
  readonly format: LineFormat;
}

/**
 * pino's numeric levels (trace 10 … fatal 60) and the Asterisk level each is written as. info is NOTICE: the
 * things Switchyard reports at info (listeners bound, a recording repaired) are what Asterisk logs as notices.
 * Nothing is written as VERBOSE or DTMF; a channel may still ask for them.
 */
const PINO_TRACE = 10;
const PINO_DEBUG = 20;
const PINO_INFO = 30;
const PINO_WARN = 40;
const PINO_ERROR = 50;

/** The Asterisk level a pino level is written as. */
export function levelOfPino(value: number): LogLevelName {
  if (value >= PINO_ERROR) return 'ERROR';
  if (value >= PINO_WARN) return 'WARNING';
  if (value >= PINO_INFO) return 'NOTICE';
  if (value >= PINO_DEBUG) return 'DEBUG';
  return 'TRACE';
}

/** The lowest pino level that a channel with `mask` needs produced; Infinity when it needs none. */
export function lowestPinoLevel(mask: number): number {
  if (mask & bit('TRACE')) return PINO_TRACE;
  if (mask & bit('DEBUG')) return PINO_DEBUG;
  if (mask & bit('NOTICE')) return PINO_INFO;
  if (mask & bit('WARNING')) return PINO_WARN;
  if (mask & bit('ERROR')) return PINO_ERROR;
  return Infinity;
}

/** The levels a stream filtered at pino level `value` receives (the console: the logger's own level). */
export function maskOfPinoThreshold(value: number): number {
  let mask = 0;
  for (const v of [PINO_TRACE, PINO_DEBUG, PINO_INFO, PINO_WARN, PINO_ERROR]) {
    if (v >= value) mask |= bit(levelOfPino(v));
  }
  return mask;
}

export function maskHas(mask: number, level: LogLevelName): boolean {
  return (mask & bit(level)) !== 0;
}

/** `verbose(N)`: N must read as a number for VERBOSE to count (logger.c reads it with sscanf). */
const VERBOSE_WITH_LEVEL = /^verbose\(\s*\d/i;

/** Parse a channel's configuration text; never throws. */
export function parseLogConfiguration(text: string): LogChannelConfig {
  let format: LineFormat = 'text';
  let levels = text;
  // logger.c: a `[name]` anywhere selects the formatter and only what follows `]` is read as levels.
  const open = text.indexOf('[');
  if (open !== -1) {
    const close = text.indexOf(']', open + 1);
    if (close !== -1) {
      if (text.slice(open + 1, close).toLowerCase() === 'json') format = 'json';
      levels = text.slice(close + 1);
    }
  }
  let mask = 0;
  for (const raw of levels.split(',')) {
    const word = raw.trim();
    if (word === '') continue;
    if (word === '*') {
      mask = ALL_LEVELS;
    } else if (word.toLowerCase().startsWith('verbose(')) {
      if (VERBOSE_WITH_LEVEL.test(word)) mask |= bit('VERBOSE');
    } else {
      const at = LOG_LEVELS.findIndex((l) => l === word.toUpperCase());
      if (at !== -1) mask |= 1 << at;
    }
  }
  return { mask, format };
}

/** ARI's `configuration` text of a mask: `NOTICE WARNING ERROR `. */
export function configurationText(mask: number): string {
  let text = '';
  for (let i = 0; i < LOG_LEVELS.length; i++) if (mask & (1 << i)) text += `${LOG_LEVELS[i]} `;
  return text;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const two = (n: number): string => String(n).padStart(2, '0');

/** logger.c's default date format, strftime `%b %e %T` in local time: `Dec  7 01:22:06`. */
export function logDate(d: Date): string {
  const day = String(d.getDate()).padStart(2, ' ');
  return `${MONTHS[d.getMonth()]} ${day} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
