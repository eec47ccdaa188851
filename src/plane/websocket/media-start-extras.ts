/**
 * MEDIA_START's additions under `m` (not in Asterisk), written after Asterisk's own fields so that an app reading
 * those sees no change:
 *
 *   plain-text  `… ptime:20 app:<app> app_args:<arg>,<arg> var.<NAME>:<value> …`, every app, arg, name and value
 *               percent-encoded (RFC 3986 §2.1, as `encodeURIComponent` does), so a space, colon or comma in them
 *               never splits a field; an empty list is `app_args:`
 *   json        `"app":"<app>","app_args":["<arg>",…],"selected_variables":{"<NAME>":"<value>",…}` after
 *               `channel_variables` (which stays the list of every variable, as in Asterisk)
 *
 * A variable the request named that is not set is given as '' (as ARI's `channelvars` gives it).
 */
import type { MediaStartExtras } from '../../core/media/websocket-protocol.js';

/** The plain-text fields, each preceded by a space ('' when there are no extras). */
export function plainExtras(extras: MediaStartExtras | undefined): string {
  if (extras === undefined) return '';
  let out = ` app:${encodeURIComponent(extras.app)} app_args:${extras.appArgs.map(encodeURIComponent).join(',')}`;
  for (const [name, value] of extras.variables) out += ` var.${encodeURIComponent(name)}:${encodeURIComponent(value)}`;
  return out;
}

/** The JSON fields (none when there are no extras). */
export function jsonExtras(extras: MediaStartExtras | undefined): Record<string, unknown> {
  if (extras === undefined) return {};
  return {
    app: extras.app,
    app_args: extras.appArgs,
    selected_variables: Object.fromEntries(extras.variables),
  };
}
