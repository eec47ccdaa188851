/**
 * Application argument parsing, main/app.c `__ast_app_separate_args` (what AST_STANDARD_APP_ARGS and
 * AST_NONSTANDARD_APP_ARGS expand to): the dialplan's applications use it, and so does the core where Asterisk
 * hands ARI arguments to an application (originate/create/move/snoop `appArgs` become `Stasis(app,appArgs)`).
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
