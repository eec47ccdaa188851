/**
 * Where the recordings of Asterisk 22.10.1 are, and reading them. No dependency on the server, so the
 * comparator's unit tests run on the recorded files alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(HERE, '../..');
export const RECORDED_ORIGIN = '127.0.0.1:8088';

/** The recorded traces directory; throws a clear error when it is not there. */
export function tracesDir(): string {
  const dir = process.env['SWITCHYARD_TRACES_DIR'] ?? resolve(REPO_ROOT, '../shared/reference/traces');
  const missing = ['lib.mjs', 'ari.conf', 'extensions.conf'].filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    throw new Error(
      `conformance traces not found: ${dir} (missing ${missing.join(', ')}). The recordings of Asterisk 22.10.1 ` +
        `are expected in ../shared/reference/traces/ beside the repository clone, or set SWITCHYARD_TRACES_DIR.`,
    );
  }
  return dir;
}

export interface Recorded {
  readonly stdout: string;
  readonly jsonl: string | undefined;
}

/** The recorded log (sN.txt) and event dump (sN.jsonl, if any) of a scenario. */
export function loadRecorded(name: string): Recorded {
  const dir = tracesDir();
  const txt = join(dir, `${name}.txt`);
  if (!existsSync(txt)) throw new Error(`recorded trace missing: ${txt}`);
  const jl = join(dir, `${name}.jsonl`);
  return { stdout: readFileSync(txt, 'utf8'), jsonl: existsSync(jl) ? readFileSync(jl, 'utf8') : undefined };
}
