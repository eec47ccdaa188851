/**
 * The typed contract between an operation's declaration and its handler. `implement(op, spec)` states what the
 * handler of `op` checks (rules per parameter, the path object it needs) and the handler itself, typed from the
 * declaration; the contract runs the checks in Asterisk's order and turns the handler's return value into the
 * response. A resource's table must name every declared operation (`notImplemented` answers 501).
 */
import type { Core } from '../../core/core.js';
import { CoreError } from '../../core/errors.js';
import { toAriError } from '../errors.js';
import { AriError, type BoundArgs, type Handler, type RequestContext } from '../handler.js';
import type { OperationsOf } from '../operations/index.js';
import type { OperationDecl, ParamDecl, ResourceName } from '../operation.js';
import type { ArgsOf, OnlyDeclared, ParamRule, ParamRules } from './args.js';
import { ALT_DECODERS, BODY_DECODERS } from './body.js';
import { toHandlerResult, type ResultOf } from './result.js';
import { TARGETS, type TargetEnv, type TargetKind } from './targets.js';

/** Facts about this server that handlers report (`/asterisk/info`). */
export interface ServerIdentity {
  readonly version: string;
  readonly systemName: string;
}

/** What every handler receives besides its arguments. */
export interface HandlerEnv {
  readonly core: Core;
  readonly identity: ServerIdentity;
  readonly request: RequestContext;
}

/**
 * One step of an operation's checks: `body` decodes body parameters, `target` finds the object the path names,
 * `params` applies the parameter rules (a `missing` rule on a body parameter means "no JSON body").
 */
export type CheckStep = 'body' | 'target' | 'params';

/**
 * Most handlers decode a JSON body first (originate's json_to_ast_variables), then find their object, then look
 * at parameters. Others check a parameter before the lookup (getChannelVar: "Variable name is required" before
 * "Channel not found"), or decode the body after it (setChannelVars); they say so with `order`.
 */
const DEFAULT_ORDER: readonly CheckStep[] = ['body', 'target', 'params'];

export interface OperationSpec<O extends OperationDecl, R, T extends TargetKind | undefined> {
  readonly target?: T;
  readonly params?: OnlyDeclared<O, R>;
  readonly order?: readonly CheckStep[];
  handle(args: ArgsOf<O, R>, env: HandlerEnv & TargetEnv<T>): ResultOf<O>;
}

/** An operation with its handler; `op` ties it to its declaration (an entry under another nickname is a type error). */
export interface Implemented<O extends OperationDecl> {
  readonly op: O;
  readonly compile: (core: Core, identity: ServerIdentity) => Handler;
}

/** An operation that answers 501 until its capability lands. */
export const notImplemented = { notImplemented: true } as const;
export type NotImplemented = typeof notImplemented;

/** The events WebSocket: the HTTP server upgrades it before any handler runs. */
export const servedByServer = { servedByServer: true } as const;
export type ServedByServer = typeof servedByServer;

/** Every operation of a resource, implemented or explicitly not. */
export type ResourceHandlers<R extends ResourceName> = {
  readonly [K in keyof OperationsOf<R>]: OperationsOf<R>[K] extends OperationDecl
    ? Implemented<OperationsOf<R>[K]> | NotImplemented | ServedByServer
    : never;
};

export function resourceHandlers<R extends ResourceName>(
  _resource: R,
  table: ResourceHandlers<R>,
): ResourceHandlers<R> {
  return table;
}

/** Absent as Asterisk's handlers test it: `ast_strlen_zero` for a value, a zero count for a list. */
function isEmpty(v: unknown): boolean {
  return v === undefined || v === '';
}

function fail(rule: ParamRule, message: string): never {
  throw new AriError(400, message, rule.reason);
}

/** One query/path parameter through its rule. */
function checked(p: ParamDecl, rule: ParamRule | undefined, value: unknown): unknown {
  if (!rule) return value;
  if (rule.missing !== undefined && isEmpty(value)) fail(rule, rule.missing);
  // A checked parameter given empty is absent, as `ast_strlen_zero` makes it for Asterisk's handlers.
  if (value === undefined || value === '') return rule.default ? p.default : undefined;
  if (rule.invalid !== undefined && !(p.allowed ?? []).includes(value as string)) fail(rule, rule.invalid);
  if (rule.outOfRange !== undefined && typeof value === 'number' && p.range) {
    const { min, max } = p.range;
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) fail(rule, rule.outOfRange);
  }
  return value;
}

type Decoder = (body: unknown) => unknown;

/** The decoder of a body parameter (the whole JSON body as the binder hands it over). */
function decoderOf(p: ParamDecl, rule: ParamRule | undefined): Decoder {
  if (rule?.decode !== undefined) return ALT_DECODERS[rule.decode];
  return (BODY_DECODERS as Readonly<Record<string, Decoder>>)[p.name] ?? ((body) => body);
}

function memberOf(body: unknown, name: string): unknown {
  return body !== null && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)[name]
    : undefined;
}

function compile<O extends OperationDecl>(
  op: O,
  spec: OperationSpec<O, unknown, TargetKind | undefined>,
  core: Core,
  identity: ServerIdentity,
): Handler {
  const rules = (spec.params ?? {}) as Readonly<Record<string, ParamRule>>;
  const bodyParams = op.params.filter((p) => p.in === 'body');
  const target = spec.target === undefined ? undefined : TARGETS[spec.target];
  // Steps an `order` leaves out run after it, in the default order.
  const order = [...(spec.order ?? []), ...DEFAULT_ORDER.filter((step) => !spec.order?.includes(step))];

  const run = (step: CheckStep, args: BoundArgs, typed: Record<string, unknown>, env: Record<string, unknown>) => {
    switch (step) {
      case 'body':
        for (const p of bodyParams) {
          const body = args[p.name];
          if (body === undefined) continue;
          const rule = rules[p.name];
          const value = rule?.raw ? memberOf(body, p.name) : decoderOf(p, rule)(body);
          if (value !== undefined) typed[p.name] = value;
        }
        return;
      case 'target':
        if (target) Object.assign(env, target(core, args));
        return;
      case 'params':
        for (const p of op.params) {
          const rule = rules[p.name];
          if (p.in === 'body') {
            if (rule?.missing !== undefined && args[p.name] === undefined) fail(rule, rule.missing);
            continue;
          }
          const value = checked(p, rule, args[p.name]);
          if (value !== undefined) typed[p.name] = value;
        }
        return;
    }
  };
  return async (args, request) => {
    try {
      const typed: Record<string, unknown> = {};
      const env: Record<string, unknown> = { core, identity, request };
      for (const step of order) run(step, args, typed, env);
      const result = await spec.handle(
        typed as ArgsOf<O, unknown>,
        env as unknown as HandlerEnv & TargetEnv<TargetKind>,
      );
      return toHandlerResult(result);
    } catch (err) {
      if (err instanceof CoreError) toAriError(err);
      throw err;
    }
  };
}

/**
 * The handler of `op`: `params` are its rules (checked names, Asterisk's messages), `target` the path object it
 * needs, `handle` the handler, whose arguments and result are typed from the declaration and the rules.
 */
export function implement<
  O extends OperationDecl,
  const R extends ParamRules<O> = Record<never, never>,
  const T extends TargetKind | undefined = undefined,
>(op: O, spec: OperationSpec<O, R, T>): Implemented<O> {
  return {
    op,
    compile: (core, identity) =>
      compile(op, spec as unknown as OperationSpec<O, unknown, TargetKind | undefined>, core, identity),
  };
}

/** The same handler for a second operation whose arguments are the first one's (originate/originateWithId). */
export function sameAs<O extends OperationDecl, P extends OperationDecl>(
  op: O,
  other: Implemented<P> & (ArgsOf<O> extends ArgsOf<P> ? unknown : never),
): Implemented<O> {
  return { op, compile: other.compile };
}
