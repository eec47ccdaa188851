/** Caller or connected-line identity: the CallerID model ({name, number}). */
export interface PartyId {
  name: string;
  number: string;
}

export function emptyParty(): PartyId {
  return { name: '', number: '' };
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

/** The caller id parse as a PartyId. */
export function parseCallerId(text: string): PartyId {
  const { name, number } = parseCallerIdString(text);
  return { name, number };
}
