/**
 * The AudioSocket dial string (chan_audiosocket.c `audiosocket_request`): `AudioSocket/<host:port>/<uuid>[/<options>]`,
 * and the format the channel speaks.
 *
 * - The destination is an IPv4 address, a bracketed IPv6 address or a DNS name, with a port (required). It is
 *   resolved when the connection is made, in the media worker.
 * - The UUID is required and must be one in text form (libuuid `uuid_parse`): it names the channel and is sent to
 *   the app as 16 raw bytes when the channel is called.
 * - The one option is `c(<format>)`; without it the format is the request's first (externalMedia's `format`,
 *   originate's `formats`), and signed linear at 8 kHz when the request names none.
 * - Beyond Asterisk: only `slin` (kind 0x10) and `slin16` (0x12) are accepted. Asterisk also takes the other slin
 *   rates, and takes any other format while still tagging its bytes as 8 kHz slin (0x10), which no app can read;
 *   here the pipeline runs at 8 or 16 kHz and the request fails with a reason instead.
 */
import { KNOWN_FORMAT_NAMES } from '../../core/media/format-names.js';
import { uuidBytes, type AudioSocketFormat } from '../../core/media/audiosocket-protocol.js';

export interface AudioSocketTarget {
  /** The destination as written: it names the channel (`AudioSocket/<destination>-<uuid>`) and is AUDIOSOCKET_SERVICE. */
  readonly destination: string;
  /** The host without IPv6 brackets, and the port. */
  readonly host: string;
  readonly port: number;
  /** The UUID as written (it names the channel and is AUDIOSOCKET_UUID). */
  readonly uuid: string;
  /** `c(...)`, when given and not empty. */
  readonly format?: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const MAX_PORT = 65535;
const PORT_TEXT = /^\d{1,5}$/;
/** The codec option: `c(<format>)` (ast_app_parse_options; other letters are not AudioSocket's and are ignored). */
const CODEC_OPTION = /c\(([^)]*)\)/;

/** `host:port` with the port required: `[v6]:port`, or a host with exactly one colon before the port. */
function splitDestination(text: string): { host: string; port: string } | undefined {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1 || text[close + 1] !== ':') return undefined;
    return { host: text.slice(1, close), port: text.slice(close + 2) };
  }
  const colon = text.indexOf(':');
  if (colon === -1 || text.indexOf(':', colon + 1) !== -1) return undefined;
  return { host: text.slice(0, colon), port: text.slice(colon + 1) };
}

/** Parse `<host:port>/<uuid>[/<options>]`; the error says what is wrong, in chan_audiosocket's order. */
export function parseAudioSocketDialString(resource: string): Parsed<AudioSocketTarget> {
  const [destination = '', uuid = '', ...rest] = resource.split('/');
  if (destination === '') return { ok: false, error: "Destination is required for the 'AudioSocket' channel" };
  const split = splitDestination(destination);
  const port = split !== undefined && PORT_TEXT.test(split.port) ? Number(split.port) : 0;
  if (split === undefined || split.host === '' || port < 1 || port > MAX_PORT) {
    return { ok: false, error: `Destination '${destination}' could not be parsed (it must be <host>:<port>)` };
  }
  if (uuid === '') return { ok: false, error: "UUID is required for the 'AudioSocket' channel" };
  if (uuidBytes(uuid) === undefined) return { ok: false, error: `Failed to parse UUID '${uuid}'` };
  const format = CODEC_OPTION.exec(rest.join('/'))?.[1]?.trim();
  return {
    ok: true,
    value: { destination, host: split.host, port, uuid, ...(format ? { format } : {}) },
  };
}

/**
 * The format of the channel: the `c()` option, else the first requested, else `slin`; an error for a name that is
 * unknown or that AudioSocket cannot carry here.
 */
export function audioSocketFormat(
  option: string | undefined,
  requested: readonly string[] | undefined,
): Parsed<AudioSocketFormat> {
  const name = option || requested?.[0]?.trim() || 'slin';
  if (name === 'slin' || name === 'slin16') return { ok: true, value: name };
  if (!KNOWN_FORMAT_NAMES.has(name)) return { ok: false, error: `Codec '${name}' not found for AudioSocket` };
  if (/^slin\d+$/.test(name)) {
    return {
      ok: false,
      error: `AudioSocket format '${name}' is not supported: audio runs at 8 or 16 kHz (slin, slin16)`,
    };
  }
  return { ok: false, error: `AudioSocket carries signed linear audio only: format '${name}' refused (slin, slin16)` };
}
