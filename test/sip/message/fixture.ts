import { readFileSync } from 'node:fs';

/** The bytes of test/sip/message/fixtures/<name> (CRLF kept: `*.sip -text`). */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
}
