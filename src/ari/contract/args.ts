/**
 * The arguments a handler receives, derived from its operation's declaration (generated from the reference
 * tables) and the operation's rules (what Asterisk's handler checks, and with which message).
 *
 * Asterisk's generated parameter parsing checks nothing: each C handler checks what it needs, in its own order
 * and words (semantics.md §1.3). A rule records one such check so that the contract applies it and the handler
 * never repeats it; the argument type follows: a parameter with a `missing` rule is always present, one with
 * `invalid` is narrowed to its declared values, one with `default` holds its documented default when absent.
 */
import type { VariableAssignment } from '../../core/calls.js';
import type { EventFilter } from '../../core/stasis/stasis-app.js';
import type { OperationDecl, ParamDecl } from '../operation.js';

/** What the handler of one operation checks about one parameter (Asterisk's messages, verbatim). */
export interface ParamRule {
  /** Absent or empty (`ast_strlen_zero`; a list given no value at all; a body parameter without a JSON body) →
   *  400 with this message. */
  readonly missing?: string;
  /** Not one of the declared allowed values → 400 with this message. */
  readonly invalid?: string;
  /** Outside the declared range (e.g. a negative `skipms`) → 400 with this message. */
  readonly outOfRange?: string;
  /** Status-line text of these 400s when Asterisk sets its own ("Invalid Reason"). */
  readonly reason?: string;
  /** Apply the documented default when the parameter is absent (Asterisk does not always: semantics.md §11.6). */
  readonly default?: true;
  /** A body parameter handed over as the raw JSON member of its name, not decoded (user event variables). */
  readonly raw?: true;
  /** A body parameter read by another of Asterisk's decoders than its name's usual one. */
  readonly decode?: keyof AltBodyValues;
}

/** The union of an operation's parameter declarations. */
export type ParamOf<O extends OperationDecl> = O['params'][number];

/** The names of an operation's parameters. */
export type ParamName<O extends OperationDecl> = ParamOf<O>['name'];

/** Rules by parameter name; only declared parameters may be named. */
export type ParamRules<O extends OperationDecl> = { readonly [N in ParamName<O>]?: ParamRule };

/** Rejects rule objects naming a parameter the operation does not declare (a misspelt name fails typecheck). */
export type OnlyDeclared<O extends OperationDecl, R> = R & { readonly [K in Exclude<keyof R, ParamName<O>>]: never };

/** A `{"fields": [...]}` body item (dynamic configuration). */
export interface ConfigField {
  readonly attribute: string;
  readonly value: string;
}

/** Body parameters, decoded from the JSON body the way Asterisk's handlers read them. */
export interface BodyValues {
  readonly variables: readonly VariableAssignment[];
  readonly fields: readonly ConfigField[];
  readonly filter: EventFilter;
}

/** Body parameters that some resources decode differently. */
export interface AltBodyValues {
  /** resource_endpoints.c: `{"variables": {"NAME": "value"}}`, strings only. */
  readonly stringVariables: Readonly<Record<string, string>>;
  /** resource_endpoints.c parse_refer_json: those, plus a top-level `display_name` string as a variable. */
  readonly referVariables: Readonly<Record<string, string>>;
}

type BodyValue<N> = N extends keyof BodyValues ? BodyValues[N] : unknown;

type RuleFor<R, N> = N extends keyof R ? R[N] : undefined;

/** The value of one parameter after binding and the rules. */
export type ValueOf<P extends ParamDecl, Rule> = P['in'] extends 'path'
  ? string
  : P['in'] extends 'body'
    ? Rule extends { readonly raw: true }
      ? unknown
      : Rule extends { readonly decode: infer D extends keyof AltBodyValues }
        ? AltBodyValues[D]
        : BodyValue<P['name']>
    : P extends { readonly multi: true }
      ? string[]
      : P['type'] extends 'int' | 'long' | 'double'
        ? number
        : P['type'] extends 'boolean'
          ? boolean
          : Rule extends { readonly invalid: string }
            ? P extends { readonly allowed: readonly (infer A)[] }
              ? A
              : string
            : string;

/** Whether a parameter is always present once the rules have run. */
type IsPresent<P extends ParamDecl, Rule> = P['in'] extends 'path'
  ? true
  : Rule extends { readonly missing: string }
    ? true
    : Rule extends { readonly default: true }
      ? P extends { readonly default: string | number | boolean }
        ? true
        : false
      : false;

/** The typed arguments of operation `O` under rules `R`. */
export type ArgsOf<O extends OperationDecl, R = object> = {
  readonly [P in ParamOf<O> as IsPresent<P, RuleFor<R, P['name']>> extends true ? P['name'] : never]: ValueOf<
    P,
    RuleFor<R, P['name']>
  >;
} & {
  readonly [P in ParamOf<O> as IsPresent<P, RuleFor<R, P['name']>> extends true ? never : P['name']]?: ValueOf<
    P,
    RuleFor<R, P['name']>
  >;
};
