/**
 * The package version, read from package.json beside `src/` or `dist/` (the same file app.ts reads). The operator
 * subcommands use it without loading the server: `switchyard status` must work even where the server's own modules
 * could not load.
 */
import { readFileSync } from 'node:fs';

export const CLI_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
