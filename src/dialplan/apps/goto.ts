import type { DialplanTarget } from '../../core/ports.js';
import { splitAppArgs } from '../app-args.js';
import type { AppContext, AppResult } from './app.js';

/**
 * `[[context,]exten,]priority` as Goto and GotoIf take it; the priority may be a label. Undefined when
 * the label does not exist (Asterisk then ends the call).
 */
export function resolveGoto(ctx: AppContext, spec: string): DialplanTarget | undefined {
  const parts = splitAppArgs(spec);
  const loc = ctx.channel.location;
  let context = loc.context;
  let exten = loc.exten;
  let label: string;
  if (parts.length >= 3) [context, exten, label] = [parts[0]!, parts[1]!, parts[2]!];
  else if (parts.length === 2) [exten, label] = [parts[0]!, parts[1]!];
  else label = parts[0] ?? '';
  label = label.trim();
  const priority = ctx.pbx.findLabel(context.trim(), exten.trim(), label);
  if (priority === undefined || priority <= 0) return undefined;
  return { context: context.trim(), exten: exten.trim(), priority };
}

export function goto(ctx: AppContext): AppResult {
  const target = resolveGoto(ctx, ctx.data);
  return target ? { goto: target } : { hangup: true };
}

/** pbx_checkcondition: true when non-empty and not numerically zero. */
function isTrue(condition: string): boolean {
  const c = condition.trim();
  if (c === '') return false;
  const n = Number(c);
  return Number.isNaN(n) ? true : n !== 0;
}

/** GotoIf(condition?[iftrue]:[iffalse]) — an empty branch goes on with the next priority. */
export function gotoIf(ctx: AppContext): AppResult {
  const q = ctx.data.indexOf('?');
  if (q === -1) return;
  const branches = ctx.data.slice(q + 1);
  const colon = branches.indexOf(':');
  const [ifTrue, ifFalse] = colon === -1 ? [branches, ''] : [branches.slice(0, colon), branches.slice(colon + 1)];
  const chosen = isTrue(ctx.data.slice(0, q)) ? ifTrue : ifFalse;
  if (chosen.trim() === '') return;
  const target = resolveGoto(ctx, chosen);
  return target ? { goto: target } : { hangup: true };
}
