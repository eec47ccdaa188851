import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startApp, type AppOptions, type RunningApp } from '../../src/app.js';

/** ari.conf with the one user (asterisk / asterisk) the test helpers authenticate as. */
export const ARI_CONF = '[general]\nenabled=yes\n[asterisk]\ntype=user\npassword=asterisk\n';

/** The embedded pjsip.conf (alice, bob, anonymous), for SIP tests that write their own config folder. */
export const EMBEDDED_PJSIP = readFileSync(new URL('../../config/pjsip.conf', import.meta.url), 'utf8');

export interface TestServer {
  readonly app: RunningApp;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** http://127.0.0.1:<port>/ari */
  readonly ariBase: string;
  /** The SIP UDP transport as bound (127.0.0.1 and a free port). */
  readonly sip: { readonly host: string; readonly port: number };
  /** Basic auth header value for asterisk/asterisk. */
  readonly auth: string;
  close(): Promise<void>;
}

/**
 * Start Switchyard in this process on 127.0.0.1 and a free port. `files` (ari.conf, extensions.conf, ...)
 * are written to a fresh config folder; without `files` the embedded default config is used.
 */
export async function startTestServer(
  files?: Readonly<Record<string, string>>,
  options: Pick<AppOptions, 'mediaPlacement' | 'mediaScheduling'> = {},
): Promise<TestServer> {
  let dir: string | undefined;
  if (files) {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  }
  const app = await startApp({
    configDir: dir,
    host: '127.0.0.1',
    port: 0,
    sipPort: 0,
    logger: pino({ level: process.env.SWITCHYARD_TEST_LOG ?? 'silent' }),
    ...options,
  });
  const url = `http://127.0.0.1:${app.port}`;
  return {
    app,
    url,
    ariBase: `${url}${app.config.http.prefix}/ari`,
    sip: app.sip.find((t) => t.protocol === 'udp') ?? { host: '127.0.0.1', port: 0 },
    auth: 'Basic ' + Buffer.from('asterisk:asterisk').toString('base64'),
    close: async () => {
      await app.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
