/**
 * Developer-mode event validation, as Asterisk's dev-mode builds do it (ari_websockets.c session_write): every
 * event about to be sent is checked against its model's schema (generated from the model table: required fields
 * present, types right, no field the model does not name); an invalid one is replaced by
 * `{"error":"InvalidMessage","message":"Message validation failed"}`, logged, and remembered. Switched on by
 * SWITCHYARD_VALIDATE_EVENTS=1 (the test command does); costs a parse and a check per event, so off otherwise.
 */
import { Compile } from 'typebox/compile';
import { EVENT_SCHEMAS, type EventType } from '../models/wire.js';

/** What Asterisk sends in place of an event that fails validation. */
export const INVALID_MESSAGE = '{"error":"InvalidMessage","message":"Message validation failed"}';

export interface EventViolation {
  readonly type: string;
  readonly errors: readonly string[];
  readonly json: string;
}

type Checker = ReturnType<typeof Compile>;

export class EventValidator {
  readonly violations: EventViolation[] = [];
  checked = 0;
  readonly #checkers = new Map<string, Checker>();

  /** The JSON to send: the event itself, or INVALID_MESSAGE when it fails its schema. */
  check(json: string): string {
    this.checked++;
    const errors = this.errorsOf(json);
    if (errors.length === 0) return json;
    const type = /"type":"([^"]*)"/.exec(json)?.[1] ?? '';
    this.violations.push({ type, errors, json });
    return INVALID_MESSAGE;
  }

  /** Why an event does not match its model (empty when it does). */
  errorsOf(json: string): string[] {
    let event: unknown;
    try {
      event = JSON.parse(json);
    } catch {
      return ['not JSON'];
    }
    const type = (event as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !Object.hasOwn(EVENT_SCHEMAS, type)) return [`unknown event type ${String(type)}`];
    let checker = this.#checkers.get(type);
    if (!checker) {
      checker = Compile(EVENT_SCHEMAS[type as EventType]);
      this.#checkers.set(type, checker);
    }
    if (checker.Check(event)) return [];
    return [...checker.Errors(event)].map((e) => `${e.instancePath || '/'} ${e.message}`);
  }

  /** A report for the process's end: how many were checked, and each failure. */
  report(): string {
    const lines = [`event validation: ${this.checked} events checked, ${this.violations.length} invalid`];
    for (const v of this.violations.slice(0, 20)) lines.push(`  ${v.type}: ${v.errors.join('; ')}\n    ${v.json}`);
    return lines.join('\n');
  }
}

/** The process-wide validator when SWITCHYARD_VALIDATE_EVENTS is set; at exit an invalid event fails the process. */
export function validatorFromEnvironment(): EventValidator | undefined {
  if (!process.env.SWITCHYARD_VALIDATE_EVENTS) return undefined;
  const validator = (shared ??= new EventValidator());
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', () => {
      if (validator.violations.length === 0) return;
      process.stderr.write(validator.report() + '\n');
      process.exitCode = 1;
    });
  }
  return validator;
}

let shared: EventValidator | undefined;
let exitHooked = false;
