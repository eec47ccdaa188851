/**
 * Dialplan application argument parsing: main/app.c `__ast_app_separate_args` (what AST_STANDARD_APP_ARGS and
 * AST_NONSTANDARD_APP_ARGS expand to) and main/callerid.c `ast_callerid_parse` + `ast_callerid_split`.
 */

export interface SplitAppArgsOptions {
  /** The separator (AST_NONSTANDARD_APP_ARGS); `,` by default. */
  readonly delimiter?: string;
  /**
   * How many arguments the application declares. The last one then receives the rest of the string
   * unsplit and unprocessed, as `__ast_app_separate_args` leaves it once `arraylen - 1` slots are used.
   */
  readonly maxArgs?: number;
  /** AST_STANDARD_RAW_ARGS: keep quotes and backslashes (they still protect separators). */
  readonly raw?: boolean;
}

/**
 * Split application data into arguments as `__ast_app_separate_args` does: the delimiter does not split
 * inside `(...)`, `[...]` or double quotes; quotes are removed; a backslash makes the next character
 * literal and is removed. An empty string has no arguments; a trailing delimiter adds an empty one
 * (`"a,"` → `["a", ""]`).
 */
export function splitAppArgs(data: string, options: SplitAppArgsOptions = {}): string[] {
  const delimiter = options.delimiter ?? ',';
  const maxArgs = options.maxArgs ?? Infinity;
  const removeChars = options.raw !== true;
  const args: string[] = [];
  let paren = 0;
  let bracket = 0;
  let quote = false;
  let i = 0;
  let endedOnDelimiter = false;
  while (i < data.length && args.length < maxArgs - 1) {
    let arg = '';
    endedOnDelimiter = false;
    for (; i < data.length; i++) {
      const c = data[i]!;
      if (c === '(') paren++;
      else if (c === ')') {
        if (paren > 0) paren--;
      } else if (c === '[') bracket++;
      else if (c === ']') {
        if (bracket > 0) bracket--;
      } else if (c === '"' && delimiter !== '"') {
        quote = !quote;
        if (removeChars) continue;
      } else if (c === '\\') {
        // The escaped character is copied without being looked at (it cannot split, quote or nest).
        if (!removeChars) arg += c;
        i++;
        if (i < data.length) arg += data[i];
        continue;
      } else if (c === delimiter && paren === 0 && bracket === 0 && !quote) {
        i++;
        endedOnDelimiter = true;
        break;
      }
      arg += c;
    }
    args.push(arg);
  }
  // The last declared argument takes the remainder as it is; a trailing delimiter adds an empty argument.
  if (i < data.length) args.push(data.slice(i));
  else if (endedOnDelimiter) args.push('');
  return args;
}

export interface CallerIdParts {
  name: string;
  number: string;
}

/** `ast_trim_blanks`: drop trailing blanks (every byte below 33). */
function trimEndBlanks(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) < 33) end--;
  return s.slice(0, end);
}

/** `ast_skip_blanks` + `ast_trim_blanks`. */
function trimBlanks(s: string): string {
  let start = 0;
  while (start < s.length && s.charCodeAt(start) < 33) start++;
  return trimEndBlanks(s.slice(start));
}

/**
 * callerid.c `ast_shrink_phone_number`: drop `(`, `)`, spaces, `-` outside `[...]` and any `.` that is not
 * the last character.
 */
export function shrinkPhoneNumber(n: string): string {
  let out = '';
  let bracketed = 0;
  for (let i = 0; i < n.length; i++) {
    const c = n[i]!;
    if (c === '[') bracketed++;
    else if (c === ']') bracketed--;
    else if (c === '-') {
      if (bracketed === 0) continue;
    } else if (c === '.') {
      if (i !== n.length - 1) continue;
    } else if (c === '(' || c === ' ' || c === ')') continue;
    out += c;
  }
  return out;
}

/** callerid.c `ast_isphonenumber`: non-empty, only digits, `*`, `#` and `+`. */
function isPhoneNumber(n: string): boolean {
  return /^[0-9*#+]+$/.test(n);
}

/** A quoted name: the text between the first `"` and the next `"`, or undefined without such a pair. */
function quoted(s: string): string | undefined {
  const open = s.indexOf('"');
  if (open === -1) return undefined;
  const close = s.indexOf('"', open + 1);
  return close === -1 ? undefined : s.slice(open + 1, close);
}

/**
 * Parse `"Name" <number>`, `Name <number>`, `<number>`, a bare number or a bare name the way
 * `ast_callerid_split` does (`ast_callerid_parse`, then the number is shrunk with `ast_shrink_phone_number`).
 * A missing part is `""`.
 */
export function parseCallerIdString(text: string): CallerIdParts {
  const lt = text.lastIndexOf('<');
  const gt = lt === -1 ? -1 : text.lastIndexOf('>');
  if (lt !== -1 && gt > lt) {
    const number = shrinkPhoneNumber(text.slice(lt + 1, gt));
    const before = text.slice(0, lt);
    const q = quoted(before);
    if (q !== undefined) return { name: q, number };
    const open = before.indexOf('"');
    if (open !== -1) {
      // An opening quote whose closing quote comes after the `>`: the name runs to the `<`.
      return { name: text.indexOf('"', gt + 1) !== -1 ? trimEndBlanks(before.slice(open + 1)) : '', number };
    }
    return { name: trimBlanks(before), number };
  }
  const shrunk = shrinkPhoneNumber(text);
  if (isPhoneNumber(shrunk)) return { name: '', number: shrunk };
  return { name: quoted(text) ?? trimBlanks(text), number: '' };
}
