/**
 * `WebSocket/<connection id>[/<options>]` (chan_websocket.c webchan_request, 22.10.1): the connection id is a
 * websocket_client.conf section or `INCOMING`; the options are letters, some with a parenthesised argument,
 * written together (`c(slin16)nf(json)d(out)`), parsed as Asterisk's app option parser does:
 *
 *   c(codec)  the channel's format            n        no auto-answer: wait for ANSWER
 *   v(k=v,…)  extra URI query (client mode)   p        passthrough: no re-framing
 *   f(plain-text|json|twilio)  control messages (twilio: Twilio Media Streams instead)
 *   d(both|in|out)  media direction, the app's view
 *
 * An unknown letter is ignored (Asterisk logs it); a missing `)` fails; `d()` with another value fails; an
 * invalid `f()` falls back to plain-text. `v()` values must be URI-encoded already (ast_uri_verify_encoded), and
 * its commas become `&`.
 */
import type { ControlMessageFormat, WebSocketMediaDirection } from '../../core/media/websocket-protocol.js';
import { BeyondOptionsDraft, splitBracketedUri, type WebSocketBeyondOptions } from './beyond-options.js';

export interface WebSocketDialString {
  /** The websocket_client.conf id, `INCOMING`, or the URI written as `<ws://…>` (beyond-options.ts). */
  readonly connectionId: string;
  /** Whether connectionId is a URI given between angle brackets. */
  readonly isUri: boolean;
  /** `c()`: undefined when not given (the requester's first format is used). */
  readonly codec: string | undefined;
  readonly noAutoAnswer: boolean;
  /** `v()` as a query string (`a=1&b=2`); '' when not given. */
  readonly query: string;
  readonly passthrough: boolean;
  /** `f()`: undefined when not given (the default applies); an invalid value is plain-text. */
  readonly controlFormat: ControlMessageFormat | undefined;
  readonly direction: WebSocketMediaDirection;
  /** Switchyard's own options (beyond-options.ts), all off unless given. */
  readonly beyond: WebSocketBeyondOptions;
}

/** One option letter and its argument (undefined without parentheses). */
function* options(text: string): Generator<{ letter: string; arg: string | undefined } | { error: string }> {
  let i = 0;
  while (i < text.length) {
    const letter = text[i++]!;
    if (text[i] !== '(') {
      yield { letter, arg: undefined };
      continue;
    }
    // Nested parentheses count (app.c parse_options); quotes and backslashes are not special here.
    let depth = 1;
    let j = i + 1;
    for (; j < text.length && depth > 0; j++) {
      if (text[j] === '(') depth++;
      else if (text[j] === ')') depth--;
    }
    if (depth > 0) {
      yield { error: `Missing closing parenthesis for argument '${letter}'` };
      return;
    }
    yield { letter, arg: text.slice(i + 1, j - 1) };
    i = j;
  }
}

/** Each name and value of `v()` must need no encoding or be encoded (`%XX`, alphanumerics and `-_.+`). */
function isEncoded(text: string): boolean {
  return /^(?:[A-Za-z0-9\-_.+]|%[0-9A-Fa-f]{2})*$/.test(text);
}

export function parseWebSocketDialString(resource: string): WebSocketDialString | { error: string } {
  const bracketed = splitBracketedUri(resource);
  if (bracketed !== undefined && 'error' in bracketed) return bracketed;
  const slash = bracketed?.slash ?? resource.indexOf('/');
  const connectionId = bracketed?.uri ?? (slash === -1 ? resource : resource.slice(0, slash));
  const beyond = new BeyondOptionsDraft();
  if (connectionId === '') return { error: 'A connection id is required' };
  let codec: string | undefined;
  let noAutoAnswer = false;
  let query = '';
  let passthrough = false;
  let controlFormat: ControlMessageFormat | undefined;
  let direction: WebSocketMediaDirection = 'both';
  for (const option of options(slash === -1 ? '' : resource.slice(slash + 1))) {
    if ('error' in option) return option;
    const arg = option.arg ?? '';
    switch (option.letter) {
      case 'c':
        codec = arg === '' ? undefined : arg;
        break;
      case 'n':
        noAutoAnswer = true;
        break;
      case 'v': {
        if (arg === '') break;
        if (!arg.split(',').every((pair) => pair.split('=').every(isEncoded))) {
          return { error: `Invalid URI parameters '${arg}'` };
        }
        query = arg.replaceAll(',', '&');
        break;
      }
      case 'p':
        passthrough = true;
        break;
      case 'f': {
        // Compared ignoring case, as Asterisk does; `twilio` (Twilio Media Streams messages) is Switchyard's own.
        const name = arg.toLowerCase();
        controlFormat = name === 'json' || name === 'twilio' ? name : 'plain-text';
        break;
      }
      case 'd':
        if (arg !== 'both' && arg !== 'in' && arg !== 'out') {
          return { error: `Unrecognized option for media direction: '${arg}'` };
        }
        direction = arg;
        break;
      default: {
        const taken = beyond.take(option.letter, arg);
        if (taken !== undefined && taken !== 'taken') return taken;
        break; // Asterisk: "Unrecognized option", and the call goes on
      }
    }
  }
  const isUri = bracketed !== undefined;
  const extra = beyond.result();
  return { connectionId, isUri, codec, noAutoAnswer, query, passthrough, controlFormat, direction, beyond: extra };
}
