// The TLS configuration paths: pjsip.conf transport TLS options, http.conf tlsbindaddr, the PEM file reader
// (key inside the certificate file, a CA folder, a missing file named in the error), the start refusing a TLS
// transport without its certificate, and the warning for SIP reachable from other hosts with an anonymous endpoint.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { startApp } from '../../src/app.js';
import { ARI_TLS_DEFAULT_PORT, ariTlsAddress } from '../../src/ari/server/tls-listener.js';
import { sipTransportSpecs } from '../../src/channels/pjsip/sip-transport-specs.js';
import { parseConf } from '../../src/config/conf-parser.js';
import { splitHostPort } from '../../src/config/http-config.js';
import { anonymousSipExposure } from '../../src/config/load-config.js';
import { parsePjsipConfig } from '../../src/config/pjsip-config.js';
import { readPemFiles } from '../../src/util/tls-files.js';
import { ARI_CONF } from '../helpers/server.js';
import { hasOpenssl, makeTestCerts, type TestCerts } from './tls-certs.js';

const pjsip = (text: string): ReturnType<typeof parsePjsipConfig> =>
  parsePjsipConfig(parseConf(text, { file: 'pjsip.conf' }));

test('pjsip.conf: a tls transport reads its TLS options, defaults to port 5061, and reports a bad method', () => {
  const { config, errors } = pjsip(
    [
      '[t]',
      'type=transport',
      'protocol=tls',
      'bind=0.0.0.0',
      'cert_file=/etc/s/cert.pem',
      'priv_key_file=/etc/s/key.pem',
      'ca_list_file=/etc/s/ca.pem',
      'ca_list_path=/etc/s/cas',
      'password=secret',
      'cipher=ECDHE-RSA-AES128-GCM-SHA256, ECDHE-ECDSA-AES128-GCM-SHA256',
      'method=tlsv1_2',
      'verify_client=yes',
      'verify_server=yes',
      'require_client_cert=no',
      '[u]',
      'type=transport',
      'protocol=tls',
      'bind=127.0.0.1:5071',
      'method=sslv3',
    ].join('\n'),
  );
  const [t, u] = config.transports;
  assert.equal(t?.port, 5061);
  assert.deepEqual(t?.tls, {
    certFile: '/etc/s/cert.pem',
    privKeyFile: '/etc/s/key.pem',
    caListFile: '/etc/s/ca.pem',
    caListPath: '/etc/s/cas',
    password: 'secret',
    cipher: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256',
    method: 'tlsv1_2',
    verifyClient: true,
    verifyServer: true,
    requireClientCert: false,
  });
  assert.equal(u?.port, 5071);
  assert.equal(u?.tls?.method, undefined);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /TLS method 'sslv3' is not supported/);
  // A tls transport without cert_file cannot be opened: the start says which transport and what is missing.
  assert.throws(() => sipTransportSpecs(config.transports.slice(1)), /transport 'u': protocol=tls needs cert_file/);
});

test('the anonymous-endpoint warning names the exposed transports, and is silent on loopback', () => {
  const exposed = pjsip('[t]\ntype=transport\nbind=0.0.0.0:5060\n[anonymous]\ntype=endpoint\ncontext=public\n');
  assert.match(anonymousSipExposure(exposed.config) ?? '', /'t' \(udp 0\.0\.0\.0\).*context 'public'/);
  const loopback = pjsip('[t]\ntype=transport\nbind=127.0.0.1\n[anonymous]\ntype=endpoint\n');
  assert.equal(anonymousSipExposure(loopback.config), undefined);
  const noAnonymous = pjsip('[t]\ntype=transport\nbind=0.0.0.0\n[alice]\ntype=endpoint\n');
  assert.equal(anonymousSipExposure(noAnonymous.config), undefined);
});

test('http.conf tlsbindaddr: port 8089 when none is given, the plain bind host when empty, bad text refused', () => {
  assert.equal(ARI_TLS_DEFAULT_PORT, 8089);
  assert.deepEqual(ariTlsAddress('0.0.0.0', '127.0.0.1', splitHostPort), { host: '0.0.0.0', port: 8089 });
  assert.deepEqual(ariTlsAddress('[::1]:8443', '127.0.0.1', splitHostPort), { host: '::1', port: 8443 });
  assert.deepEqual(ariTlsAddress('', '127.0.0.2', splitHostPort), { host: '127.0.0.2', port: 8089 });
  assert.equal(ariTlsAddress('not an address', '127.0.0.1', splitHostPort), undefined);
});

describe('PEM files and the start', { skip: hasOpenssl ? false : 'openssl not installed' }, () => {
  let certs: TestCerts;
  let dir: string;
  before(() => {
    certs = makeTestCerts();
    dir = mkdtempSync(join(tmpdir(), 'switchyard-tls-config-'));
  });
  after(() => {
    certs?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the key may live in the certificate file; a CA folder is read file by file', () => {
    const cas = join(dir, 'cas');
    mkdirSync(cas);
    copyFileSync(certs.caFile, join(cas, 'a.pem'));
    copyFileSync(join(certs.dir, 'other-ca.crt'), join(cas, 'b.pem'));
    const pem = readPemFiles({ certFile: certs.combinedFile, keyFile: '', caFile: certs.caFile, caPath: cas });
    assert.equal(pem.key, pem.cert);
    assert.equal(pem.ca?.length, 3);
    assert.equal(readPemFiles({ certFile: certs.certFile, keyFile: '', caFile: '', caPath: '' }).ca, undefined);
    assert.throws(
      () => readPemFiles({ certFile: join(dir, 'missing.pem'), keyFile: '', caFile: '', caPath: '' }),
      /cannot read the TLS certificate .*missing\.pem/,
    );
  });

  test('tlsenable=yes with a missing certificate stops the start, naming the file', async () => {
    const conf = join(dir, 'conf');
    mkdirSync(conf);
    writeFileSync(join(conf, 'ari.conf'), ARI_CONF);
    writeFileSync(join(conf, 'http.conf'), `[general]\ntlsenable=yes\ntlscertfile=${join(dir, 'nope.pem')}\n`);
    await assert.rejects(
      startApp({
        configDir: conf,
        port: 0,
        tlsPort: 0,
        sipPort: 0,
        mediaWorkers: 0,
        logger: pino({ level: 'silent' }),
      }),
      /cannot read the TLS certificate .*nope\.pem/,
    );
  });

  test('the default-password guard covers tlsbindaddr: a public TLS address with password asterisk is refused', async () => {
    const conf = join(dir, 'public');
    mkdirSync(conf);
    writeFileSync(join(conf, 'ari.conf'), ARI_CONF);
    const http = `[general]\nbindaddr=127.0.0.1\ntlsenable=yes\ntlsbindaddr=0.0.0.0:8089\ntlscertfile=${certs.combinedFile}\n`;
    writeFileSync(join(conf, 'http.conf'), http);
    await assert.rejects(
      startApp({
        configDir: conf,
        port: 0,
        tlsPort: 0,
        sipPort: 0,
        mediaWorkers: 0,
        logger: pino({ level: 'silent' }),
      }),
      /refusing to listen on 0\.0\.0\.0: ARI user\(s\) 'asterisk'/,
    );
  });
});
