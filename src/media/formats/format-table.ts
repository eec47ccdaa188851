/*
 * Sound file formats by Asterisk's names. Each entry is one of Asterisk's format modules (formats/format_*.c):
 * the format's name (what `core show file formats` lists), its file extensions in registration order ('|'-list in
 * Asterisk, the first is the one Asterisk writes), and the media format it carries (the codec's name, which is what
 * ARI's Sound.formats[].format shows: a `.wav` file is listed as `slin` because format_wav carries slin).
 *
 * Only the formats marked `isSupported` can be read and written here; the others are known so that a sounds
 * directory holding e.g. `.g729` files is indexed the way Asterisk indexes it (with those modules loaded).
 *
 * Extension lookups are case-sensitive, as Asterisk's (strcmp): `.WAV` is wav49 (GSM in a RIFF), not wav.
 */

/** The formats this engine reads and writes, by Asterisk's format name (`pcm` is µ-law, as in format_pcm). */
export type SupportedFormatName = 'wav' | 'wav16' | 'gsm' | 'pcm' | 'alaw' | 'sln' | 'sln16';

/** How the file's bytes hold the audio. */
export type FileEncoding = 'wav' | 'slin' | 'ulaw' | 'alaw' | 'gsm';

export interface FileFormat {
  /** Asterisk's format name (format_def.name). */
  readonly name: string;
  /** File extensions, without the dot, in Asterisk's order; the first is used for new files. */
  readonly extensions: readonly string[];
  /** The media format carried, by Asterisk's codec name (slin, slin16, ulaw, gsm …). */
  readonly codec: string;
  /** Samples per second of the audio in the file; undefined for video. */
  readonly sampleRate: number | undefined;
  readonly isSupported: boolean;
  /** Set when isSupported. */
  readonly encoding: FileEncoding | undefined;
}

function format(name: string, exts: string, codec: string, sampleRate: number | undefined, encoding?: FileEncoding) {
  return {
    name,
    extensions: exts.split('|'),
    codec,
    sampleRate,
    isSupported: encoding !== undefined,
    encoding,
  } satisfies FileFormat;
}

const NARROWBAND_HZ = 8000;
const WIDEBAND_HZ = 16000;

/*
 * Asterisk's format modules, in the order a stock build loads them (alphabetical by module), which decides the
 * winner when two modules claim one extension (none of these do).
 */
const FORMATS: readonly FileFormat[] = [
  format('g719', 'g719', 'g719', 48000),
  format('g723sf', 'g723|g723sf', 'g723', NARROWBAND_HZ),
  format('g726-40', 'g726-40', 'g726', NARROWBAND_HZ),
  format('g726-32', 'g726-32', 'g726', NARROWBAND_HZ),
  format('g726-24', 'g726-24', 'g726', NARROWBAND_HZ),
  format('g726-16', 'g726-16', 'g726', NARROWBAND_HZ),
  format('g729', 'g729', 'g729', NARROWBAND_HZ),
  format('gsm', 'gsm', 'gsm', NARROWBAND_HZ, 'gsm'),
  format('h263', 'h263', 'h263', undefined),
  format('h264', 'h264', 'h264', undefined),
  format('iLBC', 'ilbc', 'ilbc', NARROWBAND_HZ),
  format('ogg_speex', 'spx', 'speex', NARROWBAND_HZ),
  format('ogg_speex16', 'spx16', 'speex16', WIDEBAND_HZ),
  format('ogg_speex32', 'spx32', 'speex32', 32000),
  format('ogg_vorbis', 'ogg', 'slin', NARROWBAND_HZ),
  format('alaw', 'alaw|al|alw', 'alaw', NARROWBAND_HZ, 'alaw'),
  format('pcm', 'pcm|ulaw|ul|mu|ulw', 'ulaw', NARROWBAND_HZ, 'ulaw'),
  format('g722', 'g722', 'g722', WIDEBAND_HZ),
  format('au', 'au', 'ulaw', NARROWBAND_HZ),
  format('siren14', 'siren14', 'siren14', 32000),
  format('siren7', 'siren7', 'siren7', WIDEBAND_HZ),
  format('sln', 'sln|slin|raw', 'slin', NARROWBAND_HZ, 'slin'),
  format('sln12', 'sln12', 'slin12', 12000),
  format('sln16', 'sln16', 'slin16', WIDEBAND_HZ, 'slin'),
  format('sln24', 'sln24', 'slin24', 24000),
  format('sln32', 'sln32', 'slin32', 32000),
  format('sln44', 'sln44', 'slin44', 44100),
  format('sln48', 'sln48', 'slin48', 48000),
  format('sln96', 'sln96', 'slin96', 96000),
  format('sln192', 'sln192', 'slin192', 192000),
  format('vox', 'vox', 'adpcm', NARROWBAND_HZ),
  format('wav16', 'wav16', 'slin16', WIDEBAND_HZ, 'wav'),
  format('wav', 'wav', 'slin', NARROWBAND_HZ, 'wav'),
  format('wav49', 'WAV|wav49', 'gsm', NARROWBAND_HZ),
];

const BY_NAME = new Map<string, FileFormat>(FORMATS.map((f) => [f.name, f]));
const BY_EXTENSION = new Map<string, FileFormat>();
for (const f of FORMATS) for (const ext of f.extensions) if (!BY_EXTENSION.has(ext)) BY_EXTENSION.set(ext, f);

/** A format the engine can read and write. */
export interface SupportedFileFormat extends FileFormat {
  readonly name: SupportedFormatName;
  readonly sampleRate: 8000 | 16000;
  readonly encoding: FileEncoding;
  readonly isSupported: true;
}

/** Every format Asterisk knows, supported or not. */
export function allFileFormats(): readonly FileFormat[] {
  return FORMATS;
}

/** The format with this Asterisk name (`wav`, `pcm`, `sln16` …), or undefined. */
export function formatByName(name: string): FileFormat | undefined {
  return BY_NAME.get(name);
}

/** The format that owns this file extension (no dot, case-sensitive: `ulaw` → pcm, `raw` → sln), or undefined. */
export function formatForExtension(extension: string): FileFormat | undefined {
  return BY_EXTENSION.get(extension);
}

/**
 * A supported format from what a caller says: a file extension first (ARI's `format` parameter of a recording is
 * an extension, e.g. `ulaw`), then a format name. Undefined when unknown or not readable here.
 */
export function resolveSupportedFormat(formatOrExtension: string): SupportedFileFormat | undefined {
  const f = BY_EXTENSION.get(formatOrExtension) ?? BY_NAME.get(formatOrExtension);
  return f !== undefined && isSupportedFormat(f) ? f : undefined;
}

export function isSupportedFormat(f: FileFormat): f is SupportedFileFormat {
  return f.isSupported;
}

/** The supported formats, in the table's order. */
export function supportedFileFormats(): readonly SupportedFileFormat[] {
  return FORMATS.filter(isSupportedFormat);
}

/**
 * The Content-Type Asterisk sends for `GET /recordings/stored/{name}/file`: the media type of the format's codec
 * ("audio" for sound) + "/" + the recording's file extension as stored (`audio/wav`, `audio/ulaw`, `audio/sln16`).
 * Undefined when the extension is not a known format (Asterisk answers 500 then).
 */
export function recordingContentType(extension: string): string | undefined {
  const f = BY_EXTENSION.get(extension);
  if (f === undefined) return undefined;
  return `${f.sampleRate === undefined ? 'video' : 'audio'}/${extension}`;
}

/** The extension after the last dot of a file name (`hello-world.wav` → `wav`), or undefined. */
export function fileExtension(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf('.');
  const slash = fileName.lastIndexOf('/');
  return dot > slash ? fileName.slice(dot + 1) : undefined;
}
