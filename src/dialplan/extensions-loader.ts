/**
 * extensions.conf → Dialplan, following pbx/pbx_config.c `pbx_load_config`: `[globals]` are set first (each
 * value substituted with the globals before it), every other section except `[general]` is a context, and in
 * a context `exten =>`, `same =>` and `include =>` build it. Templates (`[name](!)`) are skipped, as
 * ast_category_browse skips them. Nothing here throws: a line Asterisk would reject is reported with its file
 * and line and skipped.
 *
 *   exten => name[/cid],priority[(label)][+offset],App[(args)]
 *   same  => priority[(label)],App[(args)]            (continues the last `exten`'s name)
 *
 * priority: a number, `n`/`next` (previous + 1, counted across extensions of the context as Asterisk does),
 * `s`/`same` (previous), an existing label of the extension, or `hint` (hints are skipped here).
 */
import type { ConfEntry, ConfError, ConfFile, ConfSection } from '../config/conf-types.js';
import { Dialplan } from './dialplan.js';
import { substitute, type SubstitutionScope } from './substitute.js';

export interface LoadedExtensions {
  readonly dialplan: Dialplan;
  /** `[globals]`, substituted; an empty value unsets (pbx_builtin_setvar_helper). */
  readonly globals: Map<string, string>;
  /** This file's dialplan errors (the .conf parse errors stay in the ConfFile). */
  readonly errors: ConfError[];
}

/** Per-context continuation state, reset at every section (pbx_config.c: lastextension, lastpri). */
interface ContextState {
  readonly name: string;
  lastExtension: string;
  /** -2: none yet; -1: after a hint (PRIORITY_HINT). */
  lastPriority: number;
}

interface PendingInclude {
  readonly from: string;
  readonly to: string;
  readonly entry: ConfEntry;
}

const SKIPPED_DIRECTIVES = new Set(['ignorepat', 'switch', 'lswitch', 'eswitch']);

/** pbx_config.c `pbx_strsep`: split at the first delimiter outside `[...]`; a backslash protects the next character. */
function strsepOutsideBrackets(text: string, delimiter: string): [string, string | undefined] {
  let square = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[') square++;
    else if (c === ']') square = Math.max(0, square - 1);
    else if (c === '\\') i++;
    else if (c === delimiter && square === 0) return [text.slice(0, i), text.slice(i + 1)];
  }
  return [text, undefined];
}

/** strsep: before the first delimiter, and the rest (undefined when there was none). */
function strsep(text: string | undefined, delimiter: string): [string, string | undefined] {
  if (text === undefined) return ['', undefined];
  const at = text.indexOf(delimiter);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** `App(args)` → app and raw args (to the last `)`); `App` alone has no args; `closed` false: no `)` at all. */
function splitApplication(text: string): { app: string; data: string; closed: boolean } {
  const open = text.indexOf('(');
  if (open === -1) return { app: text.trim(), data: '', closed: true };
  const app = text.slice(0, open);
  // `exten => 100,hint,PJSIP/${X}(y)`: a `${` or `$[` before the `(` means it is not an application call.
  if (app.includes('${') || app.includes('$[')) return { app: text.trim(), data: '', closed: true };
  const close = text.lastIndexOf(')');
  if (close < open) return { app: app.trim(), data: text.slice(open + 1), closed: false };
  return { app: app.trim(), data: text.slice(open + 1, close), closed: true };
}

export function loadExtensions(conf: ConfFile): LoadedExtensions {
  const dialplan = new Dialplan();
  const globals = new Map<string, string>();
  const errors: ConfError[] = [];
  // pbx_substitute_variables_helper(NULL, ...): no channel, so only globals and pure functions.
  const scope: SubstitutionScope = { variable: (name) => globals.get(name), func: () => undefined };
  const isSection = (s: ConfSection, name: string): boolean => !s.isTemplate && s.name.toLowerCase() === name;

  for (const section of conf.sections.filter((s) => isSection(s, 'globals'))) {
    for (const entry of section.entries) {
      const value = substitute(entry.value, scope);
      if (value === '') globals.delete(entry.key);
      else globals.set(entry.key, value);
    }
  }

  const includes: PendingInclude[] = [];
  for (const section of conf.sections) {
    if (section.isTemplate || isSection(section, 'general') || isSection(section, 'globals')) continue;
    dialplan.addContext(section.name);
    const state: ContextState = { name: section.name, lastExtension: '', lastPriority: -2 };
    for (const entry of section.entries) {
      const report = (message: string): void => void errors.push({ file: entry.file, line: entry.line, message });
      const key = entry.key.toLowerCase();
      if (key.startsWith('same')) {
        if (state.lastExtension === '') {
          report(`No previous pattern in the first entry of context '${state.name}' to match '${entry.key}'`);
        } else addExtension(dialplan, state, state.lastExtension, entry.value, entry, report);
      } else if (key === 'exten') {
        const [name, rest] = strsepOutsideBrackets(entry.value, ',');
        state.lastExtension = substitute(name, scope).trim();
        if (state.lastExtension === '') report(`Missing extension name in '${entry.value}'`);
        else addExtension(dialplan, state, state.lastExtension, rest, entry, report);
      } else if (key === 'include') {
        const [target = '', timing] = strsep(substitute(entry.value, scope), ',');
        const to = target.trim();
        if (to === '') report('include without a context name');
        else if (!dialplan.addInclude(state.name, to)) {
          report(`Context '${to}' already included in '${state.name}' context`);
        } else {
          includes.push({ from: state.name, to, entry });
          // ast_include timing (`include => ctx,9:00-17:00,mon-fri,*,*`) is not evaluated here.
          if (timing !== undefined && timing.trim() !== '') {
            report(`Time restriction '${timing.trim()}' on include '${to}' is not supported: always included`);
          }
        }
      } else if (!SKIPPED_DIRECTIVES.has(key)) {
        report(`Unknown directive: ${entry.key} -- IGNORING`);
      }
    }
  }

  // ast_context_verify_includes: including a context that does not exist is allowed but reported.
  for (const { from, to, entry } of includes) {
    if (!dialplan.hasContext(to)) {
      errors.push({
        file: entry.file,
        line: entry.line,
        message: `Context '${from}' tries to include nonexistent context '${to}'`,
      });
    }
  }
  return { dialplan, globals, errors };
}

/** The priority part of an `exten`/`same` line: what pbx_config.c does from `process_extension:` on. */
function addExtension(
  dialplan: Dialplan,
  state: ContextState,
  exten: string,
  rest: string | undefined,
  entry: ConfEntry,
  report: (message: string) => void,
): void {
  const [priorityField, appText] = strsep(rest, ',');
  let priorityText = priorityField.trim();
  let label: string | undefined;
  const open = priorityText.indexOf('(');
  if (open !== -1) {
    const close = priorityText.indexOf(')', open + 1);
    if (close === -1) return report(`Label missing trailing ')' in '${priorityField.trim()}'`);
    label = priorityText.slice(open + 1, close).trim();
    priorityText = priorityText.slice(0, open).trim();
  }
  let offset = 0;
  const plus = priorityText.indexOf('+');
  if (plus !== -1) {
    offset = Number.parseInt(priorityText.slice(plus + 1), 10) || 0; // atoi
    priorityText = priorityText.slice(0, plus).trim();
  }

  let priority: number;
  if (priorityText === 'hint') {
    state.lastPriority = -1; // a hint is priority -1 to pbx_config, so a following `n` gives 0
    return;
  } else if (priorityText === 'n' || priorityText === 'next' || priorityText === 's' || priorityText === 'same') {
    const isNext = priorityText.startsWith('n');
    if (state.lastPriority === -2) {
      return report(`Can't use '${isNext ? 'next' : 'same'}' priority on the first entry`);
    }
    priority = isNext ? state.lastPriority + 1 : state.lastPriority;
  } else {
    const numeric = /^\s*([+-]?\d+)/.exec(priorityText); // sscanf %d
    const [name, cid] = strsep(exten, '/');
    priority = numeric ? Number(numeric[1]) : (dialplan.findLabel(state.name, name, priorityText, cid) ?? 0);
    if (priority < 1) return report(`Invalid priority${numeric ? '' : '/label'} '${priorityText}'`);
  }
  // Only reachable after a hint (lastpri -1): pbx_config drops the line silently or adds a hint.
  if (priority < 1) return report(`Invalid priority ${priority} for '${exten}' after a hint`);

  priority += offset;
  state.lastPriority = priority;
  const { app, data, closed } = splitApplication(appText ?? '');
  if (!closed) report(`No closing parenthesis found? '${app}(${data}'`);
  if (app === '') return report(`No application for '${exten}' priority ${priority}`);
  if (exten === '_.' || exten === '_!') {
    report(`The use of '${exten}' for an extension is strongly discouraged; use '_X${exten[1]!}' instead`);
  }
  const origin = { file: entry.file, line: entry.line };
  const refused = dialplan.addPriority(state.name, exten, priority, app, data, label || undefined, origin);
  if (refused) report(refused);
}
