/**
 * The structured logger, split to the logger channels: every record goes to the logger's own destination
 * (the console, at the logger's level, as before) and to each channel file whose levels take it. A channel may
 * want records below the console's level (a `debug` file while the console shows `info`): the returned logger
 * then runs at the lower level and the console's destination still only receives what it did.
 */
import { pino, type Logger } from 'pino';
import type { LogChannels } from '../core/modules/log-channels.js';

/** What pino hands a destination that asks for each record's metadata (pino's `multistream` works the same way). */
interface MetadataStream {
  lastLevel: number;
  lastObj: unknown;
  lastMsg: unknown;
  lastTime: unknown;
  lastLogger: unknown;
  write(line: string): void;
  flush?(cb?: (err?: Error) => void): void;
}

type Indexable = Record<symbol, unknown>;

const { streamSym, needsMetadataGsym } = pino.symbols;

/**
 * A child of `base` (same bindings, serializers, destination) whose records also reach `channels`. `base` is
 * left as it is. The child's level follows the channels as they come and go.
 */
export function teeLogger(base: Logger, channels: LogChannels): Logger {
  const baseStream = (base as unknown as Indexable)[streamSym] as MetadataStream;
  const baseLevel = base.levelVal;
  const forwardsMetadata = (baseStream as unknown as Indexable)[needsMetadataGsym] === true;
  const tee: MetadataStream & Indexable = {
    [needsMetadataGsym]: true,
    lastLevel: 0,
    lastObj: undefined,
    lastMsg: undefined,
    lastTime: undefined,
    lastLogger: undefined,
    write(line: string): void {
      if (this.lastLevel >= baseLevel) {
        if (forwardsMetadata) {
          baseStream.lastLevel = this.lastLevel;
          baseStream.lastObj = this.lastObj;
          baseStream.lastMsg = this.lastMsg;
          baseStream.lastTime = this.lastTime;
          baseStream.lastLogger = this.lastLogger;
        }
        baseStream.write(line);
      }
      channels.write(this.lastLevel, line);
    },
    flush(cb?: (err?: Error) => void): void {
      if (typeof baseStream.flush === 'function') baseStream.flush(cb);
      else cb?.();
    },
  };
  const logger = base.child({});
  (logger as unknown as Indexable)[streamSym] = tee;
  channels.setConsoleThreshold(baseLevel);
  const follow = (): void => {
    const wanted = Math.min(baseLevel, channels.lowestPinoLevel());
    logger.level = wanted === Infinity ? 'silent' : (pino.levels.labels[wanted] ?? base.level);
  };
  channels.onChange = follow;
  follow();
  return logger;
}
