/**
 * PjsipReloader on a real pjsip.conf in a temporary folder and a real contact store: which objects are replaced,
 * which are kept (ARI-made objects, REGISTER bindings, the object a call already holds), what is logged for
 * transports, and that an unparsable or missing file changes nothing.
 */
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PjsipReloader } from '../../src/app-modules/pjsip-reload.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { EndpointConfig, PjsipConfig } from '../../src/config/pjsip-types.js';
import { ContactStore } from '../../src/channels/pjsip/registrar/contact-store.js';

const conf = (o: { context?: string; contact?: string; port?: number; match?: string; order?: string } = {}) => `
[global]
type=global
endpoint_identifier_order=${o.order ?? 'ip,username,anonymous'}

[main]
type=transport
protocol=udp
bind=127.0.0.1:${o.port ?? 5060}

[alice]
type=endpoint
context=${o.context ?? 'first'}
aors=alice

[alice]
type=aor
max_contacts=1
contact=${o.contact ?? 'sip:alice@192.0.2.1:5060'}

[gone]
type=endpoint

[alice-id]
type=identify
endpoint=alice
match=${o.match ?? '192.0.2.1'}
`;

interface Logged {
  readonly level: 'error' | 'warn' | 'info';
  readonly msg: string;
}

let dir: string;
let config: PjsipConfig;
let store: ContactStore;
let logged: Logged[];
let reindexed: number;
let reloader: PjsipReloader;

const write = (text: string): void => writeFileSync(join(dir, 'pjsip.conf'), text);
const log = {
  error: (_: object, msg = '') => void logged.push({ level: 'error', msg }),
  warn: (_: object, msg = '') => void logged.push({ level: 'warn', msg }),
  info: (_: object, msg = '') => void logged.push({ level: 'info', msg }),
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pjsip-reload-'));
  write(conf());
  config = loadConfig(dir).pjsip;
  store = new ContactStore();
  for (const aor of config.aors.values()) store.setStatic(aor);
  logged = [];
  reindexed = 0;
  reloader = new PjsipReloader(
    { config, store, endpointsView: { endpointsReloaded: () => void reindexed++ } },
    dir,
    log,
  );
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('endpoints are replaced in the live map; the object a call holds is left as it was', () => {
  const held = config.endpoints.get('alice')!;
  write(conf({ context: 'second' }).replace(/\[gone\]\ntype=endpoint\n/, ''));
  reloader.reloadAll();
  assert.equal(config.endpoints.get('alice')!.context, 'second');
  assert.equal(held.context, 'first');
  assert.equal(config.endpoints.has('gone'), false);
  assert.equal(reindexed, 1);
  assert.equal(logged.filter((l) => l.level !== 'info').length, 0, JSON.stringify(logged));
});

test('static contacts follow the file; a contact bound by REGISTER stays', () => {
  store.upsert({
    uri: 'sip:alice@198.51.100.7:5062',
    aor: 'alice',
    expiresAt: Date.now() + 60_000,
    callId: 'c1',
    cseq: 1,
    viaAddr: '198.51.100.7:5062',
    registeredAt: Date.now(),
    status: 'NonQualified',
  });
  write(conf({ contact: 'sip:alice@192.0.2.9:5060' }));
  reloader.reloadAll();
  const uris = store.list('alice').map((b) => b.uri);
  assert.ok(uris.includes('sip:alice@192.0.2.9:5060'), uris.join());
  assert.ok(!uris.includes('sip:alice@192.0.2.1:5060'), uris.join());
  assert.ok(uris.includes('sip:alice@198.51.100.7:5062'), uris.join());
});

test('an object created over ARI is kept and wins over a pjsip.conf section of the same name', () => {
  const dynamic: EndpointConfig = { ...config.endpoints.get('alice')!, name: 'dyn', context: 'ari' };
  (config.endpoints as Map<string, EndpointConfig>).set('dyn', dynamic);
  write(conf() + '\n[dyn]\ntype=endpoint\ncontext=file\n');
  reloader.reloadAll();
  assert.equal(config.endpoints.get('dyn'), dynamic);
  assert.ok(logged.some((l) => l.level === 'warn' && /endpoint 'dyn' created over ARI is kept/.test(l.msg)));
});

test("a changed bound transport is not reloaded: Asterisk's notice; a new one waits for the next start", () => {
  write(conf({ port: 5070 }) + '\n[extra]\ntype=transport\nprotocol=tcp\nbind=127.0.0.1:5090\n');
  reloader.reloadAll();
  assert.equal(config.transports.length, 1);
  assert.equal(config.transports[0]!.port, 5060);
  assert.ok(
    logged.some(
      (l) =>
        l.level === 'info' &&
        l.msg.startsWith("Transport 'main' is not fully reloadable, not reloading: protocol, bind, TLS"),
    ),
    JSON.stringify(logged),
  );
  assert.ok(logged.some((l) => l.level === 'warn' && /Transport 'extra' is new/.test(l.msg)));
});

test('global endpoint_identifier_order changes inside the array the identifier holds', () => {
  const order = config.global.endpointIdentifierOrder;
  write(conf({ order: 'username,ip' }));
  reloader.reloadAll();
  assert.equal(config.global.endpointIdentifierOrder, order);
  assert.deepEqual([...order], ['username', 'ip']);
});

test('res_pjsip_endpoint_identifier_ip.so reloads the identify sections and nothing else', () => {
  const identifies = config.identifies;
  write(conf({ context: 'second', match: '203.0.113.0/24' }));
  reloader.reloadIdentifies();
  assert.equal(config.identifies, identifies);
  assert.equal(identifies[0]!.match[0]!.address, '203.0.113.0');
  assert.equal(config.endpoints.get('alice')!.context, 'first');
});

test('a file that cannot be parsed, or is missing, changes nothing and says why', () => {
  write(conf({ context: 'second' }) + '\n[broken\n');
  reloader.reloadAll();
  assert.equal(config.endpoints.get('alice')!.context, 'first');
  assert.ok(
    logged.some(
      (l) =>
        l.level === 'error' &&
        l.msg.startsWith("Contents of config file 'pjsip.conf' are invalid and cannot be parsed"),
    ),
  );
  rmSync(join(dir, 'pjsip.conf'));
  reloader.reloadAll();
  assert.equal(config.endpoints.get('alice')!.context, 'first');
  assert.ok(logged.some((l) => l.level === 'error' && l.msg.startsWith("Unable to load config file 'pjsip.conf'")));
  assert.equal(reindexed, 0);
});

test('a line without = only loses that line: the rest of the file applies', () => {
  write(conf({ context: 'second' }) + '\n[alice-extra]\ntype=endpoint\nthis line has no equals sign\n');
  reloader.reloadAll();
  assert.equal(config.endpoints.get('alice')!.context, 'second');
  assert.ok(config.endpoints.has('alice-extra'));
});
