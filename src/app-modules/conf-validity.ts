/**
 * Whether a config file read for a reload can be used at all. Asterisk's config reader (main/config.c) gives up
 * on the whole file for some mistakes and the reload then keeps what was running ("Contents of config file
 * '<name>' are invalid and cannot be parsed"); other mistakes only lose the one line. The fatal ones are an
 * unterminated `[` or `(`, a category addition (`[name](+)`) or a template that does not exist, a line before
 * any category, an invalid escape, and an `#include` of a file that is missing or cannot be read.
 */
import type { ConfError, ConfFile } from '../config/conf-types.js';
import { loadConf } from '../config/load-config.js';

const FATAL_PREFIXES = [
  'parse error:',
  'Category addition requested',
  'Inheritance requested',
  'Invalid escape',
  'Unterminated comment',
  'Cannot read ',
] as const;

function isFatal(e: ConfError): boolean {
  return FATAL_PREFIXES.some((p) => e.message.startsWith(p)) || e.message.endsWith('was listed as a #include but it does not exist.'); // prettier-ignore
}

/** What a reload may do with a file: use it, or keep the running settings and say why. */
export type ConfRead =
  | { readonly kind: 'ok'; readonly conf: ConfFile }
  | { readonly kind: 'missing' | 'invalid'; readonly reason: string; readonly errors: readonly ConfError[] };

/** Reads `name` from `dir` for a reload: its parse errors decide whether the file can be applied. */
export function readForReload(dir: string, name: string): ConfRead {
  const errors: ConfError[] = [];
  const conf = loadConf(dir, name, errors);
  if (conf === undefined) {
    return errors.length > 0
      ? { kind: 'invalid', reason: `Contents of config file '${name}' are invalid and cannot be parsed`, errors }
      : { kind: 'missing', reason: `Unable to load config file '${name}'`, errors };
  }
  const fatal = conf.errors.filter(isFatal);
  if (fatal.length > 0) {
    return { kind: 'invalid', reason: `Contents of config file '${name}' are invalid and cannot be parsed`, errors: conf.errors }; // prettier-ignore
  }
  return { kind: 'ok', conf };
}
