// `switchyard reload` against small HTTP servers that answer as servers with and without module reload do.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { connect, CliError } from '../../src/cli/connection.js';
import { reload } from '../../src/cli/reload-command.js';

type Answer = { status: number; body?: unknown };

async function withServer(
  answer: (method: string, path: string) => Answer,
  run: (url: string, requests: string[]) => Promise<void>,
): Promise<void> {
  const requests: string[] = [];
  const srv = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    const a = answer(req.method ?? '', req.url ?? '');
    const body = a.body === undefined ? '' : JSON.stringify(a.body);
    res.writeHead(a.status, body ? { 'Content-Type': 'application/json' } : {});
    res.end(body);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    await run(`http://127.0.0.1:${(srv.address() as AddressInfo).port}`, requests);
  } finally {
    srv.close();
  }
}

const module = (name: string, status = 'Running') => ({
  name,
  description: name,
  use_count: 0,
  status,
  support_level: 'core',
});

test('a server without module reload (501) gets one clear refusal and no other request', async () => {
  await withServer(
    () => ({ status: 501, body: { message: 'Not implemented' } }),
    async (url, requests) => {
      const printed: string[] = [];
      const ctx = connect({ url }, (l) => printed.push(l));
      await assert.rejects(reload(ctx, undefined), (e: Error) => {
        assert.ok(e instanceof CliError);
        assert.match(e.message, /^reload is not available yet: .*GET \/ari\/asterisk\/modules .*501 Not Implemented/);
        return true;
      });
      await assert.rejects(reload(ctx, 'res_pjsip.so'), /PUT \/ari\/asterisk\/modules\/res_pjsip\.so/);
      assert.deepEqual(requests, ['GET /ari/asterisk/modules', 'PUT /ari/asterisk/modules/res_pjsip.so']);
      assert.deepEqual(printed, []);
    },
  );
});

test('reloading everything skips modules without a reload and reports the others', async () => {
  await withServer(
    (method, path) => {
      if (method === 'GET') {
        return { status: 200, body: [module('a.so'), module('b.so'), module('c.so'), module('d.so', 'Not Running')] };
      }
      if (path.endsWith('/b.so')) return { status: 409, body: { message: 'Module does not support reloading' } };
      return { status: 204 };
    },
    async (url, requests) => {
      const printed: string[] = [];
      await reload(
        connect({ url }, (l) => printed.push(l)),
        undefined,
      );
      assert.deepEqual(printed, [
        'Module a.so reloaded',
        'Module c.so reloaded',
        '2 modules reloaded, 1 without a reload',
      ]);
      assert.ok(!requests.includes('PUT /ari/asterisk/modules/d.so'), 'a module not running is left alone');
    },
  );
});

test('one module: not loaded (404) and refused (409) are worded for the operator', async () => {
  await withServer(
    (_method, path) =>
      path.endsWith('/gone.so')
        ? { status: 404, body: { message: 'Module not found in running modules' } }
        : { status: 409, body: { message: 'Another reload is currently in progress' } },
    async (url) => {
      const ctx = connect({ url }, () => undefined);
      await assert.rejects(reload(ctx, 'gone.so'), { message: 'module "gone.so" is not loaded' });
      await assert.rejects(reload(ctx, 'busy.so'), {
        message: 'cannot reload module "busy.so": Another reload is currently in progress',
      });
    },
  );
});
