/**
 * The UnicastRTP dial string (chan_rtp.c `unicast_rtp_request`): `UnicastRTP/<host:port>[/<options>]`.
 *
 * - The destination is an IPv4 address, a bracketed IPv6 address or a DNS name, always with a `:` for the port;
 *   what the port says is read once the host is resolved (unicast-rtp-media.ts).
 * - Options are letters, some with an argument in parentheses (`ast_app_parse_options`): `c(<format>)` the
 *   format to send and receive, `e(<engine>)` the RTP engine, `g` RTP glue (ARI rtp_statistics then answers).
 *   An unknown letter is ignored, as Asterisk only warns; an argument without its `)` fails the request.
 * - Beyond Asterisk: `s` turns symmetric RTP on (send to where the remote's packets come from, once its source
 *   is learned); Asterisk's UnicastRTP never latches and keeps sending to the dialed address.
 */
import { splitHostPort } from '../../core/external-media.js';
import { splitAppArgs } from '../../util/app-args.js';

/** A parsed dial string; the host is not resolved yet. */
export interface UnicastRtpTarget {
  /** The destination as written, which names the channel: `UnicastRTP/<destination>-<suffix>`. */
  readonly destination: string;
  readonly host: string;
  /** The port as written (read when the host is resolved: a literal wants digits, a name takes `atoi`). */
  readonly port: string;
  /** `c(...)`: the format name, when given and not empty. */
  readonly format?: string;
  /** `e(...)`: the RTP engine name, when given and not empty. */
  readonly engine?: string;
  /** `g`: the channel offers RTP glue (its RTP statistics can be read). */
  readonly hasGlue: boolean;
  /** `s`: symmetric RTP (not in Asterisk). */
  readonly isSymmetric: boolean;
}

export type ParsedDialString = { ok: true; value: UnicastRtpTarget } | { ok: false; error: string };

/**
 * Option letters and their arguments (`ast_app_parse_options`): parentheses nest, a backslash outside quotes
 * keeps the next character. Undefined when an argument's `)` is missing.
 */
export function parseDialOptions(text: string): Map<string, string> | undefined {
  const options = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    const letter = text[i++]!;
    if (text[i] !== '(') {
      options.set(letter, '');
      continue;
    }
    let depth = 1;
    let arg = '';
    for (i++; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '\\' && i + 1 < text.length) {
        arg += text[++i];
        continue;
      }
      if (ch === '(') depth++;
      else if (ch === ')' && --depth === 0) break;
      arg += ch;
    }
    if (depth !== 0) return undefined;
    i++; // past the closing parenthesis
    options.set(letter, arg);
  }
  return options;
}

/** Split and check `<host:port>[/<options>]` (the resource after `UnicastRTP/`). */
export function parseUnicastRtpDialString(resource: string): ParsedDialString {
  // AST_NONSTANDARD_APP_ARGS with '/': the destination, then everything else as the options.
  const [destination = '', optionText = ''] = splitAppArgs(resource, { delimiter: '/', maxArgs: 2 });
  if (destination === '') return { ok: false, error: "Destination is required for the 'UnicastRTP' channel" };
  const split = splitHostPort(destination);
  if (split === undefined)
    return { ok: false, error: `Unable to parse destination '${destination}' into host and port` };
  const options = parseDialOptions(optionText);
  if (options === undefined) return { ok: false, error: `'UnicastRTP' channel options '${optionText}' parse error` };
  const format = options.get('c');
  const engine = options.get('e');
  return {
    ok: true,
    value: {
      destination,
      host: split.host,
      port: split.port,
      ...(format ? { format } : {}),
      ...(engine ? { engine } : {}),
      hasGlue: options.has('g'),
      isSymmetric: options.has('s'),
    },
  };
}
