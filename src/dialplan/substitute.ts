/**
 * Run-time substitution of `${...}` and `$[...]` in application data, as main/pbx_variables.c
 * `pbx_substitute_variables_helper_full` does it:
 * - `${NAME}`: a variable; `${NAME:offset}` / `${NAME:offset:length}` a substring (negative offset counts from
 *   the end, negative length leaves that many off the end); `${FUNC(args)}` a function, `:offset:length`
 *   applying to its result too. What is unset or fails adds nothing.
 * - The inside of `${...}` and `$[...]` is substituted first when it holds `${` or `$[` (`${${X}}`,
 *   `${IF($[...]?a:b)}`); values are never substituted again.
 * - A missing `}` or `]` takes the rest of the string, as the current pbx_variables.c does.
 * - Not in Asterisk: `\${` and `\$[` are written as `${` and `$[` without substituting (the backslash is
 *   dropped); `\\` is copied as is but keeps a following `$` live. Other backslashes are left for the
 *   application's argument parsing (app-args.ts), as in Asterisk.
 *
 * Lengths and substrings count UTF-16 code units (Asterisk counts bytes).
 */
import { splitAppArgs } from './app-args.js';
import { evaluateExpression } from './expression.js';

export interface SubstitutionScope {
  /** A variable's value (channel, then global, then built-ins like EXTEN); undefined when unset. */
  variable(name: string): string | undefined;
  /** A dialplan function's value (`CALLERID`, `CHANNEL`, ...); undefined when unknown or failing. */
  func(name: string, args: string): string | undefined;
  /** Told why a `$[...]` expression did not parse (Asterisk logs a warning). */
  onError?(reason: string): void;
}

/** How deep `${${${...}}}` nesting is followed; deeper text is copied unsubstituted (no stack overflow). */
const MAX_DEPTH = 32;

/** pbx.c `pbx_checkcondition`: empty is false, a leading integer decides (sscanf %d), other text is true. */
export function checkCondition(condition: string): boolean {
  if (condition === '') return false;
  const m = /^\s*([+-]?\d+)/.exec(condition);
  return m ? Number.parseInt(m[1]!, 10) !== 0 : true;
}

function quote(data: string): string {
  return data === '' ? '""' : `"${data.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** func_logic.c `acf_if`: IF(expr?[true][:false]); no `?` or an empty condition is an error. */
function ifFunction(data: string): string | undefined {
  const [condition = '', rest] = splitAppArgs(data, { delimiter: '?', maxArgs: 2 });
  if (condition === '' || rest === undefined) return undefined; // checked before ast_strip, as acf_if does
  const [ifTrue = '', ifFalse = ''] = splitAppArgs(rest, { delimiter: ':', maxArgs: 2 });
  return checkCondition(condition.trim()) ? ifTrue.trim() : ifFalse.trim();
}

/** Pure functions answered here, before the scope's (func_strings.c, func_logic.c). Names are case-insensitive. */
const BUILTINS: Readonly<Record<string, (data: string) => string | undefined>> = {
  LEN: (data) => String(data.length),
  IF: ifFunction,
  ISNULL: (data) => (data === '' ? '1' : '0'),
  EXISTS: (data) => (data === '' ? '0' : '1'),
  TOUPPER: (data) => data.replace(/[a-z]+/g, (s) => s.toUpperCase()), // C toupper: ASCII only
  TOLOWER: (data) => data.replace(/[A-Z]+/g, (s) => s.toLowerCase()),
  QUOTE: quote,
};

/** `ast_str_substring`. */
export function substring(value: string, offset: number, length: number): string {
  const lr = value.length;
  if (offset === 0 && length >= lr) return value;
  const start = offset < 0 ? Math.max(lr + offset, 0) : offset;
  if (start >= lr) return '';
  const rest = value.slice(start);
  if (length >= 0) return rest.slice(0, length);
  return rest.length > -length ? rest.slice(0, rest.length + length) : '';
}

/** `parse_variable_name`: split `NAME:offset:length` at the first `:` outside parentheses. */
function parseVariableName(text: string): { name: string; offset: number; length: number; isFunction: boolean } {
  let parens = 0;
  let isFunction = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') {
      isFunction = true;
      parens++;
    } else if (c === ')') parens--;
    else if (c === ':' && parens === 0) {
      // sscanf("%d:%d"): a part that does not parse keeps its default (and stops the scan).
      const m = /^\s*([+-]?\d+)(?::\s*([+-]?\d+))?/.exec(text.slice(i + 1));
      const clamp = (s: string | undefined, d: number): number =>
        s === undefined ? d : Math.max(-2147483648, Math.min(2147483647, Number(s)));
      return { name: text.slice(0, i), offset: clamp(m?.[1], 0), length: clamp(m?.[2], Infinity), isFunction };
    }
  }
  return { name: text, offset: 0, length: Infinity, isFunction };
}

/** `ast_func_read`: name before the first `(`, arguments up to the last `)`. */
function callFunction(text: string, scope: SubstitutionScope): string | undefined {
  const open = text.indexOf('(');
  const name = text.slice(0, open);
  const close = text.lastIndexOf(')');
  const args = close > open ? text.slice(open + 1, close) : text.slice(open + 1);
  const builtin = BUILTINS[name.toUpperCase()];
  try {
    return builtin ? builtin(args) : scope.func(name, args);
  } catch {
    return undefined; // a scope that throws counts as a failed read
  }
}

/** Index just past the `}` or `]` closing the `${`/`$[` whose inside starts at `from`, and whether it nests. */
function findEnd(text: string, from: number, open: '{' | '['): { end: number; inner: string; nested: boolean } {
  const close = open === '{' ? '}' : ']';
  let depth = 1;
  let nested = false;
  let i = from;
  while (depth > 0 && i < text.length) {
    const c = text[i];
    if (c === '$' && (text[i + 1] === '{' || text[i + 1] === '[')) {
      nested = true;
      if (text[i + 1] === open) depth++;
      i++; // the bracket after `$` is consumed with it (pbx_variables.c `vare++`)
    } else if (c === open) depth++;
    else if (c === close) depth--;
    i++;
  }
  return { end: i, inner: text.slice(from, depth === 0 ? i - 1 : i), nested };
}

function substituteAt(text: string, scope: SubstitutionScope, depth: number): string {
  if (depth > MAX_DEPTH || !text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && text[i + 1] === '\\') {
      out += '\\\\';
      i += 2;
    } else if (c === '\\' && text[i + 1] === '$' && (text[i + 2] === '{' || text[i + 2] === '[')) {
      out += '$' + text[i + 2];
      i += 3;
    } else if (c === '$' && text[i + 1] === '{') {
      const { end, inner, nested } = findEnd(text, i + 2, '{');
      i = end;
      const resolved = nested ? substituteAt(inner, scope, depth + 1) : inner;
      const { name, offset, length, isFunction } = parseVariableName(resolved);
      let value: string | undefined;
      try {
        value = isFunction ? callFunction(name, scope) : scope.variable(name);
      } catch {
        value = undefined;
      }
      if (value !== undefined) out += substring(value, offset, length);
    } else if (c === '$' && text[i + 1] === '[') {
      const { end, inner, nested } = findEnd(text, i + 2, '[');
      i = end;
      const expression = nested ? substituteAt(inner, scope, depth + 1) : inner;
      out += evaluateExpression(expression, {
        onError: (reason) => scope.onError?.(`${reason} in $[${expression}]`),
        func: (name, args) => callFunction(`${name}(${args})`, scope),
      });
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Substitute `${...}` and `$[...]` in `text`. Never throws; unknown variables and functions add nothing. */
export function substitute(text: string, scope: SubstitutionScope): string {
  return substituteAt(text, scope, 0);
}
