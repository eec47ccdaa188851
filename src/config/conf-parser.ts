/**
 * Asterisk .conf syntax → ConfFile. Mirrors main/config.c (config_text_file_load + process_text_line) line for
 * line, except that where Asterisk rejects the whole file we record a ConfError and keep going: this function
 * never throws and does no I/O (includes come through `readInclude`).
 */
import type { ConfEntry, ConfError, ConfFile, ConfSection } from './conf-types.js';

export interface ParseConfOptions {
  /** Name recorded in entries and errors of the top-level text. */
  readonly file: string;
  /** Text of an `#include`d file, or undefined when it does not exist. Names are passed as written. */
  readonly readInclude?: (name: string) => string | undefined;
}

/** config.c MAX_INCLUDE_LEVEL: the top file is level 1, so at most 9 nested includes. */
const MAX_INCLUDE_LEVEL = 10;

interface SectionBuilder {
  name: string;
  isTemplate: boolean;
  templates: string[];
  entries: ConfEntry[];
}

interface ParseState {
  readonly sections: SectionBuilder[];
  readonly errors: ConfError[];
  readonly readInclude: ((name: string) => string | undefined) | undefined;
  /** cfg->current: the last category appended; an included file starts adding to it. */
  current: SectionBuilder | undefined;
  /** Files being parsed, outermost first (include cycle and depth guard). */
  readonly stack: string[];
}

/** Per-file state: process_text_line's `cat` and the block-comment nesting of config_text_file_load. */
interface FileState {
  readonly file: string;
  cat: SectionBuilder | undefined;
  commentDepth: number;
  readonly commentOpenedAt: number[];
}

export function parseConf(text: string, opts: ParseConfOptions): ConfFile {
  const state: ParseState = {
    sections: [],
    errors: [],
    readInclude: opts.readInclude,
    current: undefined,
    stack: [],
  };
  parseText(state, text, opts.file);
  const sections: ConfSection[] = state.sections.map((s) => ({
    name: s.name,
    isTemplate: s.isTemplate,
    templates: s.templates,
    entries: s.entries,
  }));
  return { sections, errors: state.errors };
}

function parseText(state: ParseState, text: string, file: string): void {
  state.stack.push(file);
  const fs: FileState = { file, cat: state.current, commentDepth: 0, commentOpenedAt: [] };
  // A UTF-8 byte order mark would otherwise be glued to the first `[section]` (Asterisk has the same trap).
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const live = stripComments(lines[i]!, fs, line);
    if (live === undefined) continue;
    const buf = strip(live);
    if (buf !== '') processLine(state, fs, buf, line);
  }
  if (fs.commentDepth > 0) {
    const line = fs.commentOpenedAt[fs.commentOpenedAt.length - 1] ?? 0;
    error(state, file, line, `Unterminated comment detected beginning on line ${line}`);
  }
  state.stack.pop();
}

/**
 * The comment loop of config_text_file_load: `;` starts a comment, `\;` is a literal semicolon, `;--` opens a
 * nestable block comment (but `;---` is a plain comment) and `--;` closes it; text on either side of a block
 * comment is joined. Returns the line's live text, or undefined when the line lies wholly inside a comment.
 * Asterisk decrements the nesting even on a `--;` outside any block (and then swallows the rest of the file);
 * we treat that `;` as an ordinary line comment instead.
 */
function stripComments(raw: string, fs: FileState, line: number): string | undefined {
  let live = fs.commentDepth === 0;
  let out = '';
  let p1 = ''; // last character of the current scan segment (what `*(comment_p - 1)` sees)
  let p2 = ''; // the one before it
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch !== ';') {
      if (fs.commentDepth === 0) out += ch;
      p2 = p1;
      p1 = ch;
      continue;
    }
    if (p1 === '\\') {
      if (fs.commentDepth === 0) out = out.slice(0, -1) + ';'; // drop the backslash, keep the semicolon
    } else if (raw[i + 1] === '-' && raw[i + 2] === '-' && raw[i + 3] !== '-') {
      fs.commentDepth++;
      fs.commentOpenedAt.push(line);
      i += 2;
    } else if (fs.commentDepth > 0 && p1 === '-' && p2 === '-') {
      fs.commentDepth--;
      fs.commentOpenedAt.pop();
      if (fs.commentDepth === 0) live = true;
    } else if (fs.commentDepth === 0) {
      break; // a plain `;` comment ends all processing of the line
    }
    p1 = p2 = ''; // every branch above starts a new scan segment after this `;`
  }
  return live ? out : undefined;
}

/** ast_strip: Asterisk trims every byte below 33 (spaces, tabs, CR, other controls), not Unicode spaces. */
function strip(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) < 33) a++;
  while (b > a && s.charCodeAt(b - 1) < 33) b--;
  return s.slice(a, b);
}

function error(state: ParseState, file: string, line: number, message: string): void {
  state.errors.push({ file, line, message });
}

function processLine(state: ParseState, fs: FileState, buf: string, line: number): void {
  if (buf[0] === '[') processHeader(state, fs, buf, line);
  else if (buf[0] === '#') processDirective(state, fs, buf, line);
  else processVariable(state, fs, buf, line);
}

/** ast_category_get: the first category with that name, compared case-insensitively. */
function findSection(state: ParseState, name: string, includeTemplates: boolean): SectionBuilder | undefined {
  const lower = name.toLowerCase();
  return state.sections.find((s) => s.name.toLowerCase() === lower && (includeTemplates || !s.isTemplate));
}

/** `[name]`, `[name](!)`, `[name](+)`, `[name](tmpl1,tmpl2)`, `[name](!,tmpl)`. The name is not trimmed. */
function processHeader(state: ParseState, fs: FileState, buf: string, line: number): void {
  const close = buf.indexOf(']');
  if (close < 0) {
    fs.cat = undefined; // the following lines belong to no category: each is reported, none is misfiled
    return error(state, fs.file, line, "parse error: no closing ']'");
  }
  const fresh: SectionBuilder = { name: buf.slice(1, close), isTemplate: false, templates: [], entries: [] };
  let cat = fresh;
  let isFreshKept = true;
  if (buf[close + 1] === '(') {
    let end = buf.indexOf(')', close + 2);
    if (end < 0) {
      error(state, fs.file, line, "parse error: no closing ')'");
      end = buf.length; // Asterisk drops the category; we keep it with the options we could read
    }
    for (const opt of buf.slice(close + 2, end).split(',')) {
      if (opt === '!') {
        cat.isTemplate = true;
      } else if (opt.startsWith('+')) {
        // `(+)` adds to the first existing non-template category of that name (filters after `+` are not
        // supported and behave like a bare `+`).
        const target = findSection(state, fresh.name, false);
        if (!target) {
          error(state, fs.file, line, `Category addition requested, but category '${fresh.name}' does not exist`);
        } else if (isFreshKept) {
          target.isTemplate ||= fresh.isTemplate;
          target.entries.push(...fresh.entries); // move_variables(newcat, *cat)
          cat = target;
          isFreshKept = false;
        }
      } else {
        // TEMPLATES=include: any earlier category may serve as a base, template or not. Its entries are
        // copied now (ast_category_inherit), so entries added to the base later are not inherited.
        const base = findSection(state, opt, true);
        if (!base) error(state, fs.file, line, `Inheritance requested, but category '${opt}' does not exist`);
        else {
          cat.templates.push(base.name);
          cat.entries.push(...base.entries);
        }
      }
    }
  }
  if (isFreshKept) state.sections.push(fresh);
  fs.cat = cat;
  state.current = cat;
}

/** `#include file`, `#include "file"`, `#include <file>`, `#tryinclude`, `#exec` (refused). */
function processDirective(state: ParseState, fs: FileState, buf: string, line: number): void {
  let k = 1;
  while (k < buf.length && buf.charCodeAt(k) > 32) k++;
  const directive = buf.slice(1, k).toLowerCase();
  let arg = strip(buf.slice(k + 1));
  if (directive === 'exec') {
    return error(state, fs.file, line, `#${directive} is not supported: Switchyard never runs programs from config`);
  }
  if (directive !== 'include' && directive !== 'tryinclude') {
    return error(state, fs.file, line, `Unknown directive '#${buf.slice(1, k)}'`);
  }
  if (arg === '') return error(state, fs.file, line, `Directive '#${directive}' needs an argument (filename)`);
  const quote = arg[0] === '"' ? '"' : arg[0] === '<' ? '>' : undefined;
  if (quote !== undefined && arg.endsWith(quote)) arg = arg.slice(1, -1);
  if (state.stack.length >= MAX_INCLUDE_LEVEL) {
    return error(state, fs.file, line, `Maximum Include level (${MAX_INCLUDE_LEVEL}) exceeded`);
  }
  // Asterisk only stops a cycle at the depth limit, re-reading the file each time; we stop at once.
  if (state.stack.includes(arg)) return error(state, fs.file, line, `Recursive #include of '${arg}' ignored`);
  let text: string | undefined;
  try {
    text = state.readInclude?.(arg);
  } catch (e) {
    return error(state, fs.file, line, `Cannot read '${arg}': ${e instanceof Error ? e.message : String(e)}`);
  }
  if (text === undefined) {
    if (directive === 'include') {
      error(state, fs.file, line, `The file '${arg}' was listed as a #include but it does not exist.`);
    }
    return;
  }
  parseText(state, text, arg);
}

/** `key = value`, `key => value`, `key += more` (appends to the last `key`), `\[key = value` (escaped). */
function processVariable(state: ParseState, fs: FileState, buf: string, line: number): void {
  const cat = fs.cat;
  if (!cat) return error(state, fs.file, line, 'parse error: No category context for line');
  let cur = buf;
  const isEscaped = cur[0] === '\\';
  if (isEscaped) {
    cur = cur.slice(1);
    if (cur === '' || cur.charCodeAt(0) < 33) return error(state, fs.file, line, 'Invalid escape');
  }
  // The escaped first character is part of the name, even if it is `=`.
  const eq = cur.indexOf('=', isEscaped ? 1 : 0);
  if (eq < 0) return error(state, fs.file, line, "No '=' (equal sign) in line");
  if (eq > (isEscaped ? 1 : 0) && cur[eq - 1] === '+') {
    const key = strip(cur.slice(0, eq - 1));
    const rest = cur.slice(eq + 1);
    let idx = -1;
    for (let i = 0; i < cat.entries.length; i++) if (cat.entries[i]!.key === key) idx = i;
    const prev = cat.entries[idx];
    if (prev) {
      // ast_variable_update: old value + raw text after `+=`, blanks trimmed; position, file, line and op kept.
      cat.entries[idx] = { ...prev, value: strip(prev.value + rest) };
      return;
    }
    return addEntry(state, fs, cat, key, '=', strip(rest), line); // nothing to append to: a plain set
  }
  const isObject = cur[eq + 1] === '>';
  const value = strip(cur.slice(eq + (isObject ? 2 : 1)));
  addEntry(state, fs, cat, strip(cur.slice(0, eq)), isObject ? '=>' : '=', value, line);
}

function addEntry(
  state: ParseState,
  fs: FileState,
  cat: SectionBuilder,
  key: string,
  op: '=' | '=>',
  value: string,
  line: number,
): void {
  if (key === '') return error(state, fs.file, line, 'No variable name in line');
  cat.entries.push({ key, value, op, file: fs.file, line });
}
