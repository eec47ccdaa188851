/**
 * Logger channels (ARI `/asterisk/logging`, Asterisk's logger.c channels): files that receive the log lines of
 * chosen levels, beside the console (the process's own log output, which is always there and cannot be removed).
 *
 * Behaviour checked against Asterisk 22.10.1:
 *   - a channel is named by a file name, taken relative to the log folder unless it starts with `/`; ARI lists
 *     its full path (`/var/log/asterisk/probe1`); `console` names the console, whose listed name is "";
 *   - names are compared as full paths, case-sensitively (`Probe8` and `probe8` are two channels);
 *   - a new channel is listed first; creating one writes a first line saying what opened it;
 *   - a file that cannot be opened is refused (ARI 500 "Allocation failed");
 *   - removing a channel closes its file and leaves the file on disk; only channels made at run time can be
 *     removed (the console cannot);
 *   - rotating renames the file to the first free `<file>.N`, N counting from 0 (logger.c's default
 *     `sequential` strategy), and opens a fresh file under the old name.
 * Two differences. Asterisk's rotate re-reads logger.conf and so drops every channel created at run time, the
 * rotated one included (a DELETE right after the rotate answers 404); here the rotated channel stays. And
 * Asterisk opens any path the process can write to (`/etc/...` for a server running as root); here a channel's
 * file must lie inside the log folder, as recordings must lie inside theirs (recording-paths.ts), and another
 * path is refused like a file that cannot be opened.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import {
  configurationText,
  levelOfPino,
  logDate,
  lowestPinoLevel,
  maskHas,
  maskOfPinoThreshold,
  parseLogConfiguration,
  type LineFormat,
} from './log-levels.js';

/** The wire shape of one channel (ARI `LogChannel`). */
export interface LogChannelInfo {
  readonly channel: string;
  readonly type: 'Console' | 'File' | 'Syslog';
  readonly status: 'Enabled' | 'Disabled';
  readonly configuration: string;
}

export type CreateOutcome = 'created' | 'no-levels' | 'exists' | 'cannot-open';

interface FileChannel {
  readonly filename: string;
  readonly mask: number;
  readonly format: LineFormat;
  fd: number | undefined;
  /** A write failed; rotating enables it again (logger.c re-enables every channel on rotate). */
  isDisabled: boolean;
}

export interface LogChannelsOptions {
  /** Asterisk's astlogdir: where relative channel names go. */
  readonly logDir: string;
  /** Written at the top of every file opened (the product and version). */
  readonly banner: string;
  readonly now?: () => Date;
}

const CONSOLE = 'console';
/** Names Asterisk gives to syslog channels; Switchyard has no syslog output. */
const SYSLOG_PREFIX = 'syslog';
/** Fields of a structured record that the text line shows in its own way. */
const SHOWN_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

export class LogChannels {
  /** Newest first, as Asterisk lists them. */
  #files: FileChannel[] = [];
  #consoleMask = 0;
  #options: LogChannelsOptions;
  /** Called when the lowest level any channel needs may have changed. */
  onChange: (() => void) | undefined;

  constructor(options: LogChannelsOptions) {
    this.#options = options;
  }

  set logDir(dir: string) {
    this.#options = { ...this.#options, logDir: dir };
  }

  get logDir(): string {
    return this.#options.logDir;
  }

  /** The console's levels, from the pino level its stream is filtered at. */
  setConsoleThreshold(pinoLevel: number): void {
    this.#consoleMask = maskOfPinoThreshold(pinoLevel);
  }

  /** The channel name's file, as logger.c makes it: "" for the console, the log folder for relative names. */
  filenameOf(name: string): string {
    if (name.toLowerCase() === CONSOLE) return '';
    if (name.toLowerCase().startsWith(SYSLOG_PREFIX) || name.startsWith('/')) return name;
    return `${this.#options.logDir}/${name}`;
  }

  list(): LogChannelInfo[] {
    const files = this.#files.map((f): LogChannelInfo => ({
      channel: f.filename,
      type: 'File',
      status: f.isDisabled ? 'Disabled' : 'Enabled',
      configuration: configurationText(f.mask),
    }));
    return [
      ...files,
      { channel: '', type: 'Console', status: 'Enabled', configuration: configurationText(this.#consoleMask) },
    ];
  }

  create(name: string, configuration: string): CreateOutcome {
    if (configuration === '') return 'no-levels';
    const filename = this.filenameOf(name);
    if (filename === '' || this.#find(filename)) return 'exists';
    if (name === '' || name.toLowerCase().startsWith(SYSLOG_PREFIX) || !this.#isInLogDir(filename)) {
      return 'cannot-open';
    }
    const { mask, format } = parseLogConfiguration(configuration);
    const fd = this.#open(filename);
    if (fd === undefined) return 'cannot-open';
    this.#files.unshift({ filename, mask, format, fd, isDisabled: false });
    this.onChange?.();
    return 'created';
  }

  remove(name: string): boolean {
    const filename = this.filenameOf(name);
    const channel = this.#find(filename);
    if (!channel) return false;
    this.#files = this.#files.filter((f) => f !== channel);
    this.#close(channel);
    this.onChange?.();
    return true;
  }

  rotate(name: string): boolean {
    const channel = this.#find(this.filenameOf(name));
    if (!channel) return false;
    this.#close(channel);
    let n = 0;
    while (existsSync(`${channel.filename}.${n}`)) n++;
    try {
      renameSync(channel.filename, `${channel.filename}.${n}`);
    } catch {
      // logger.c reports a failed rename and carries on with the file as it is.
    }
    channel.fd = this.#open(channel.filename);
    channel.isDisabled = channel.fd === undefined;
    return true;
  }

  /** Reopen every file under its name (after an outside tool moved them), keeping the channels. */
  reopen(): void {
    for (const f of this.#files) {
      this.#close(f);
      f.fd = this.#open(f.filename);
      f.isDisabled = f.fd === undefined;
    }
  }

  /** The lowest pino level some channel wants; Infinity when none wants any. */
  lowestPinoLevel(): number {
    let lowest = Infinity;
    for (const f of this.#files) lowest = Math.min(lowest, lowestPinoLevel(f.mask));
    return lowest;
  }

  get size(): number {
    return this.#files.length;
  }

  /** One record of the structured log: `line` is its JSON, `pinoLevel` its level. */
  write(pinoLevel: number, line: string): void {
    if (this.#files.length === 0) return;
    const level = levelOfPino(pinoLevel);
    let text: string | undefined;
    for (const f of this.#files) {
      if (f.isDisabled || f.fd === undefined || !maskHas(f.mask, level)) continue;
      const out = f.format === 'json' ? line : (text ??= this.#textLine(level, line));
      try {
        writeSync(f.fd, out.endsWith('\n') ? out : out + '\n');
      } catch {
        f.isDisabled = true;
      }
    }
  }

  /** Close every file (the server is stopping). */
  close(): void {
    for (const f of this.#files) this.#close(f);
    this.#files = [];
  }

  /** The file is below the log folder once `.` and `..` are resolved (symbolic links are not followed). */
  #isInLogDir(filename: string): boolean {
    if (filename.includes('\0')) return false;
    const root = resolve(this.#options.logDir);
    return resolve(filename).startsWith(root.endsWith(sep) ? root : root + sep);
  }

  #find(filename: string): FileChannel | undefined {
    return this.#files.find((f) => f.filename === filename);
  }

  #open(filename: string): number | undefined {
    try {
      // The log folder is made when missing (Asterisk makes it at start); other folders must exist.
      if (filename.startsWith(this.#options.logDir + '/')) mkdirSync(this.#options.logDir, { recursive: true });
      const fd = openSync(filename, 'a');
      writeSync(fd, `[${logDate(this.#now())}] ${this.#options.banner}\n`);
      return fd;
    } catch {
      return undefined;
    }
  }

  #close(f: FileChannel): void {
    if (f.fd === undefined) return;
    try {
      closeSync(f.fd);
    } catch {
      // already closed
    }
    f.fd = undefined;
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  /**
   * logger.c's file layout, `[date] LEVEL[thread] source: message`: the thread is the process id and the source
   * the logger's name; the record's other fields follow the message as JSON.
   */
  #textLine(level: string, line: string): string {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return `[${logDate(this.#now())}] ${level}[${process.pid}] switchyard: ${line.trimEnd()}`;
    }
    const time = typeof record.time === 'number' ? new Date(record.time) : this.#now();
    const source = typeof record.name === 'string' ? record.name : 'switchyard';
    const pid = typeof record.pid === 'number' ? record.pid : process.pid;
    const msg = typeof record.msg === 'string' ? record.msg : '';
    const extra: Record<string, unknown> = {};
    let hasExtra = false;
    for (const [k, v] of Object.entries(record)) {
      if (SHOWN_FIELDS.has(k)) continue;
      extra[k] = v;
      hasExtra = true;
    }
    return `[${logDate(time)}] ${level}[${pid}] ${source}: ${msg}${hasExtra ? ' ' + JSON.stringify(extra) : ''}`;
  }
}
