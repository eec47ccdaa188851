/**
 * `$[ ... ]` expressions as main/ast_expr2.fl (scanner) and main/ast_expr2.y (grammar, operators) evaluate
 * them. Values are strings, numeric strings (a token of digits) or numbers (results of arithmetic). Binding,
 * loosest first: `? ::` (conditional), `|`, `&`, `= != < > <= >=`, `+ -`, `* / %`, unary `! -`, then `:` `=~`
 * `~~` (regex match, regex search, concatenation). `FUNC(args)` calls the math functions of ast_expr2.y.
 *
 * Asterisk quirks kept on purpose: quoted tokens keep their quotes (`"a" = a` is false; quote both sides);
 * comparisons are numeric only when neither side is a plain string; `/` divides in floating point and a
 * division by zero gives 2147483647; `|` and `&` return an operand, not 0/1; `!` of a non-numeric string is 1.
 * A syntax error yields "0", as `ast_expr` does when the parser produced no value.
 *
 * We differ in: numbers are doubles printed to 15 digits (Asterisk: long double, %.18Lg); strings order by
 * UTF-16 code unit (Asterisk: strcoll); POSIX EREs run on the JS engine (leftmost-first alternation).
 */

export interface ExpressionOptions {
  /** Why an expression failed to parse (Asterisk logs it); the result is then "0". */
  readonly onError?: (reason: string) => void;
  /** Dialplan functions called inside the expression, `$[${X} + LEN(abc)]` (`op_func` → ast_custom_function). */
  readonly func?: (name: string, args: string) => string | undefined;
}

type Value =
  | { readonly kind: 'number'; readonly n: number }
  | { readonly kind: 'numeric'; readonly s: string }
  | { readonly kind: 'string'; readonly s: string };

interface Token {
  readonly kind: 'value' | 'op';
  readonly text: string;
  readonly value?: Value;
}

/** Operators of ast_expr2.fl, longest first so `||`, `>=`, `=~`, `::` win over their one-character prefixes. */
// prettier-ignore
const OPERATORS = [
  '||', '&&', '==', '=~', '~~', '>=', '<=', '!=', '::',
  '|', '&', '=', '>', '<', '+', ',', '-', '*', '/', '%', '?', '!', ':', '(', ')',
];
/** Characters of a plain token: `[a-zA-Z0-9.';\\_^#@]`, bytes ≥ 0x80, and `$` followed by anything but `{`. */
const WORD_CHAR = /[a-zA-Z0-9.';\\_^#@\u0080-\uffff]/;
/** What ends the trailing part of a `${...}` token (ast_expr2.fl `<trail>`). */
const TRAIL_END = /[-\t\r \n$():?%/+=*<>!|&]/;
const SYNTAX_ERROR_RESULT = '0';
const MAX_NESTING = 256;
const INT_MAX = 2147483647;

/** `%.18Lg`, approximated with doubles: integers below 1e18 exactly, others to 15 significant digits. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Object.is(n, -0)) return '-0';
  if (Number.isInteger(n) && Math.abs(n) < 1e18) return BigInt(n).toString();
  const [mantissa = '', exponent = '0'] = n.toExponential(14).split('e');
  const x = Number(exponent);
  const trim = (s: string): string => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  // %g: exponent form below 1e-4 and from the precision up, with at least two exponent digits.
  if (x < -4 || x >= 15) return `${trim(mantissa)}e${x < 0 ? '-' : '+'}${String(Math.abs(x)).padStart(2, '0')}`;
  return trim(n.toPrecision(15));
}

/** C `rint`/`remainder` round half to even; `round` rounds half away from zero. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The math functions ast_expr2.y's `op_func` knows (its HAVE_* ones, all present on Linux). */
// prettier-ignore
const MATH_FUNCTIONS: Readonly<Record<string, (...args: number[]) => number>> = {
  COS: (x) => Math.cos(x), SIN: (x) => Math.sin(x), TAN: (x) => Math.tan(x), ACOS: (x) => Math.acos(x),
  ASIN: (x) => Math.asin(x), ATAN: (x) => Math.atan(x), ATAN2: (y, x) => Math.atan2(y, x), POW: (x, y) => x ** y,
  SQRT: (x) => Math.sqrt(x), FLOOR: (x) => Math.floor(x), CEIL: (x) => Math.ceil(x),
  ROUND: (x) => Math.sign(x) * Math.round(Math.abs(x)), RINT: (x) => roundHalfEven(x), TRUNC: (x) => Math.trunc(x),
  EXP: (x) => Math.exp(x), EXP2: (x) => 2 ** x, EXP10: (x) => 10 ** x, LOG: (x) => Math.log(x),
  LOG2: (x) => Math.log2(x), LOG10: (x) => Math.log10(x), REMAINDER: (x, y) => x - y * roundHalfEven(x / y),
  ABS: (x) => Math.abs(x),
};

// prettier-ignore
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alpha: 'a-zA-Z', digit: '0-9', alnum: '0-9A-Za-z', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', cntrl: '\\x00-\\x1f\\x7f', print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
};

/**
 * A POSIX extended regex (regcomp REG_EXTENDED) as a JS RegExp: bracket expressions are rewritten (a leading
 * `]` and `\` are literal there, `[:class:]` names a class); the rest of ERE is JS syntax already. Undefined
 * when it does not compile, as regcomp fails.
 */
function toRegExp(ere: string): { regex: RegExp; groups: number } | undefined {
  let src = '';
  for (let i = 0; i < ere.length; i++) {
    const c = ere[i]!;
    if (c === '\\' && i + 1 < ere.length) {
      src += c + ere[++i];
    } else if (c === '[') {
      let j = i + 1;
      let set = '[';
      if (ere[j] === '^') set += ere[j++];
      if (ere[j] === ']') {
        set += '\\]';
        j++;
      }
      for (; j < ere.length && ere[j] !== ']'; j++) {
        const cls = /^\[:([a-z]+):\]/.exec(ere.slice(j));
        if (cls) {
          const body = Object.hasOwn(POSIX_CLASSES, cls[1]!) ? POSIX_CLASSES[cls[1]!] : undefined;
          if (body === undefined) return undefined;
          set += body;
          j += cls[0].length - 1;
        } else set += ere[j] === '\\' || ere[j] === '[' ? '\\' + ere[j] : ere[j];
      }
      if (j >= ere.length) return undefined;
      src += set + ']';
      i = j;
    } else src += c;
  }
  try {
    const regex = new RegExp(src);
    return { regex, groups: new RegExp(`${src}|`).exec('')!.length - 1 };
  } catch {
    return undefined;
  }
}

/** `make_str`: text of only digits and dots is a numeric string. */
function makeStr(s: string): Value {
  return /^[0-9.][0-9.]*$/.test(s) ? { kind: 'numeric', s } : { kind: 'string', s };
}
const num = (n: number): Value => ({ kind: 'number', n });

/** `to_number`: numbers stay, numeric strings convert (strtold), plain strings do not. */
function toNumber(v: Value): number | undefined {
  if (v.kind === 'number') return v.n;
  if (v.kind === 'string') return undefined;
  const n = Number.parseFloat(v.s);
  return Number.isNaN(n) ? 0 : n;
}
function toText(v: Value): string {
  return v.kind === 'number' ? formatNumber(v.n) : v.s;
}
/** `strip_quotes`: a value that starts and ends with `"` loses every `"`. */
function stripQuotes(s: string): string {
  return s.startsWith('"') && s.endsWith('"') ? s.replaceAll('"', '') : s;
}
/** `is_zero_or_null`; a numeric string is converted on the way, as the C code does in place. */
function zeroOrNull(v: Value): [boolean, Value] {
  if (v.kind === 'number') return [v.n === 0, v];
  if (v.s === '') return [true, v];
  const n = toNumber(v);
  return n === undefined ? [false, v] : [n === 0, num(n)];
}

/** op_eq … op_le: strings (strcoll) when either side is a plain string, else numbers. */
// prettier-ignore
const COMPARISONS: Readonly<Record<string, (order: number) => boolean>> = {
  '=': (c) => c === 0, '==': (c) => c === 0, '!=': (c) => c !== 0,
  '<': (c) => c < 0, '>': (c) => c > 0, '<=': (c) => c <= 0, '>=': (c) => c >= 0,
};
function compare(op: string, a: Value, b: Value): Value {
  const stringwise = a.kind === 'string' || b.kind === 'string';
  const x = stringwise ? toText(a) : toNumber(a)!;
  const y = stringwise ? toText(b) : toNumber(b)!;
  const order = x < y ? -1 : x > y ? 1 : 0;
  return num(COMPARISONS[op]!(order) ? 1 : 0);
}

/** `op_colon` (anchored) and `op_eqtilde`: the first group's text, else the match length; no match → 0 or "". */
function regexMatch(a: Value, b: Value, anchored: boolean): Value {
  const re = toRegExp(stripQuotes(toText(b)));
  if (!re) return makeStr('');
  const m = re.regex.exec(stripQuotes(toText(a)));
  if (m && (!anchored || m.index === 0)) return m[1] !== undefined ? makeStr(m[1]) : num(m[0].length);
  return re.groups === 0 ? num(0) : makeStr('');
}

function binary(op: string, a: Value, b: Value): Value {
  switch (op) {
    case '|':
    case '||': {
      const [zero, a2] = zeroOrNull(a);
      return zero ? b : a2;
    }
    case '&':
    case '&&': {
      const [zeroA, a2] = zeroOrNull(a);
      if (zeroA || zeroOrNull(b)[0]) return num(0);
      return a2;
    }
    case '+':
    case '-': {
      const x = toNumber(a);
      const y = toNumber(b);
      if (x === undefined) return y === undefined ? num(0) : num(op === '+' ? y : -y);
      if (y === undefined) return num(x);
      return num(op === '+' ? x + y : x - y);
    }
    case '/': {
      const x = toNumber(a);
      if (x === undefined) return num(0);
      const y = toNumber(b);
      return y === undefined || y === 0 ? num(INT_MAX) : num(x / y);
    }
    case '*':
    case '%': {
      const x = toNumber(a);
      const y = toNumber(b);
      if (x === undefined || y === undefined) return num(0);
      if (op === '*') return num(x * y);
      return y === 0 ? num(0) : num(x % y); // fmodl: the sign follows the dividend, like JS %
    }
    case ':':
      return regexMatch(a, b, true);
    case '=~':
      return regexMatch(a, b, false);
    case '~~':
      return makeStr(stripQuotes(toText(a)) + stripQuotes(toText(b)));
    default:
      return compare(op, a, b);
  }
}

/** Binding power of binary operators (higher binds tighter); unary `!`/`-` sit at 7. */
// prettier-ignore
const BINDING: Readonly<Record<string, number>> = {
  '?': 1, '|': 2, '||': 2, '&': 3, '&&': 3, '=': 4, '==': 4, '!=': 4, '<': 4, '>': 4, '<=': 4, '>=': 4,
  '+': 5, '-': 5, '*': 6, '/': 6, '%': 6, ':': 8, '=~': 8, '~~': 8,
};
const UNARY = 7;

class ExpressionSyntaxError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Scan like ast_expr2.fl; characters no rule matches are skipped (flex's default action echoes them). */
function scan(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (' \t\r\n'.includes(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end !== -1) {
        const quoted = text.slice(i, end + 1);
        tokens.push({ kind: 'value', text: quoted, value: { kind: 'string', s: quoted } });
        i = end + 1;
        continue;
      }
    }
    const start = i;
    // A plain token, possibly with `${...}` parts (left over when a value itself contained `${`).
    for (;;) {
      if (text.startsWith('${', i)) {
        let depth = 0;
        let j = i + 2;
        for (; j < text.length; j++) {
          if (text[j] === '{') depth++;
          else if (text[j] === '}' && depth-- === 0) break;
        }
        i = Math.min(j + 1, text.length);
        while (i < text.length && !TRAIL_END.test(text[i]!) && !text.startsWith('${', i)) i++;
        if (!text.startsWith('${', i)) break;
      } else if (i < text.length && text[i] === '$' && i + 1 < text.length) i += 2;
      else if (i < text.length && WORD_CHAR.test(text[i]!)) i++;
      else break;
    }
    if (i > start) {
      const word = text.slice(start, i);
      // flex takes the longest match; `[0-9]+(\.[0-9]+)?` wins ties, making a numeric string.
      const kind = /^[0-9]+(\.[0-9]+)?$/.test(word) ? 'numeric' : 'string';
      tokens.push({ kind: 'value', text: word, value: { kind, s: word } });
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    } else i++;
  }
  return tokens;
}

class Parser {
  #pos = 0;
  #depth = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly func: ExpressionOptions['func'],
  ) {}

  parseAll(): Value {
    if (this.tokens.length === 0) return makeStr(''); // `start:` with nothing → ""
    const v = this.expr(0);
    const rest = this.tokens[this.#pos];
    if (rest) throw new ExpressionSyntaxError(`unexpected '${rest.text}'`);
    return v;
  }

  expr(minBinding: number): Value {
    if (++this.#depth > MAX_NESTING) throw new ExpressionSyntaxError('expression nested too deeply');
    let left = this.#operand();
    for (;;) {
      const t = this.tokens[this.#pos];
      const binding = t?.kind === 'op' ? BINDING[t.text] : undefined;
      if (!t || binding === undefined || binding <= minBinding) break;
      this.#pos++;
      if (t.text === '?') {
        const ifTrue = this.expr(0);
        this.#expect('::');
        const ifFalse = this.expr(1);
        left = this.#cond(left, ifTrue, ifFalse);
      } else left = binary(t.text, left, this.expr(binding));
    }
    this.#depth--;
    return left;
  }

  #operand(): Value {
    const t = this.tokens[this.#pos++];
    if (!t) throw new ExpressionSyntaxError('unexpected end of expression');
    if (t.kind === 'value') {
      if (this.tokens[this.#pos]?.text === '(') return this.#call(t.text);
      return t.value!;
    }
    switch (t.text) {
      case '(': {
        const v = this.expr(0);
        this.#expect(')');
        return v;
      }
      case '!':
        return this.#not(this.expr(UNARY));
      case '-': {
        const n = toNumber(this.expr(UNARY));
        return num(n === undefined ? 0 : -n);
      }
      default:
        throw new ExpressionSyntaxError(`unexpected '${t.text}'`);
    }
  }

  /** `TOKEN ( arglist )`: at least one argument; a trailing comma adds an empty one. */
  #call(name: string): Value {
    this.#pos++; // (
    const args: Value[] = [this.expr(0)];
    while (this.tokens[this.#pos]?.text === ',') {
      this.#pos++;
      const next = this.tokens[this.#pos]?.text;
      args.push(next === ',' || next === ')' ? makeStr('') : this.expr(0));
    }
    this.#expect(')');
    if (!/^[A-Z_0-9]+$/.test(name)) return num(0); // "is not possibly a function name"
    const math = MATH_FUNCTIONS[name];
    if (math) return math.length === args.length ? num(math(...args.map((a) => toNumber(a) ?? 0))) : num(0);
    const result = this.func?.(name, args.map(toText).join(',')) ?? '';
    // op_func: a result made only of `-0123456789. \t` is a number (strtold; "" is 0), anything else a string.
    return /^[-0-9. \t]*$/.test(result) ? num(Number.parseFloat(result) || 0) : makeStr(result);
  }

  /** `op_compl`: numbers by value; for strings "" and "0" are false, else C `atoi` decides ("abc" is 0). */
  #not(v: Value): Value {
    const atoi = (text: string): number => Number.parseInt(/^\s*[+-]?\d+/.exec(text)?.[0] ?? '0', 10);
    return num((v.kind === 'number' ? v.n !== 0 : v.s !== '0' && atoi(v.s) !== 0) ? 0 : 1);
  }

  /** `op_cond`: a plain string is true unless empty, `""` or "0"; anything else by its numeric value. */
  #cond(test: Value, ifTrue: Value, ifFalse: Value): Value {
    if (test.kind === 'string') return test.s !== '' && test.s !== '""' && test.s !== '0' ? ifTrue : ifFalse;
    return toNumber(test) ? ifTrue : ifFalse;
  }

  #expect(text: string): void {
    const t = this.tokens[this.#pos];
    if (t?.kind !== 'op' || t.text !== text) throw new ExpressionSyntaxError(`expected '${text}'`);
    this.#pos++;
  }
}

/** Evaluate the inside of `$[...]` (after substitution). Never throws: a syntax error gives "0" (see above). */
export function evaluateExpression(text: string, options: ExpressionOptions = {}): string {
  try {
    return toText(new Parser(scan(text), options.func).parseAll());
  } catch (err) {
    try {
      options.onError?.(err instanceof ExpressionSyntaxError ? `syntax error: ${err.reason}` : String(err));
    } catch {
      // the caller's logger failing must not turn into an exception here
    }
    return SYNTAX_ERROR_RESULT;
  }
}
