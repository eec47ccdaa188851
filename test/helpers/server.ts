import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startApp, type AppOptions, type RunningApp } from '../../src/app.js';
import { embeddedConfigDir } from '../../src/config/load-config.js';

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
 * Start Switchyard in this process on 127.0.0.1 and a free port, with a config folder of its own: `files`
 * (ari.conf, extensions.conf, ...) written to it, or without `files` a copy of the embedded default config. Unless
 * `files` brings an asterisk.conf, one points astspooldir into that folder, so that recordings made by a test stay
 * in its own folder (removed on close) instead of the machine's /var/spool/asterisk.
 */
export async function startTestServer(
  files?: Readonly<Record<string, string>>,
  options: Pick<AppOptions, 'mediaPlacement' | 'mediaScheduling'> = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-test-'));
  if (files) for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  else cpSync(embeddedConfigDir(), dir, { recursive: true });
  if (files?.['asterisk.conf'] === undefined)
    writeFileSync(join(dir, 'asterisk.conf'), `[directories]\nastspooldir=${join(dir, 'spool')}\n`);
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
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
