/**
 * pjsip.conf transports → the SIP stack's transport specs. UDP, TCP and TLS are opened; WS and WSS are not
 * served yet and are skipped. A TLS transport's PEM files are read here, once, so the SIP library only ever sees
 * certificate bytes and switches (res_pjsip reads them when it creates the transport, too).
 */
import type { TransportConfig, TransportTlsConfig } from '../../config/pjsip-types.js';
import type { SipTlsOptions } from '../../sip/transport/tls-transport.js';
import type { SipTransportSpec } from '../../sip/ua/sip-stack.js';
import { readPemFiles } from '../../util/tls-files.js';

/** `method` → Node's protocol bounds: a named version is the only one offered, as pjsip pins it. */
const VERSIONS = {
  tlsv1: 'TLSv1',
  tlsv1_1: 'TLSv1.1',
  tlsv1_2: 'TLSv1.2',
  tlsv1_3: 'TLSv1.3',
} as const;

export function sipTlsOptions(t: TransportTlsConfig): SipTlsOptions {
  const pem = readPemFiles({
    certFile: t.certFile,
    keyFile: t.privKeyFile,
    caFile: t.caListFile,
    caPath: t.caListPath,
  });
  const version = t.method === undefined ? undefined : VERSIONS[t.method];
  return {
    cert: pem.cert,
    key: pem.key,
    ...(pem.ca !== undefined && { ca: pem.ca }),
    ...(t.password !== '' && { passphrase: t.password }),
    ...(t.cipher !== '' && { ciphers: t.cipher }),
    ...(version !== undefined && { minVersion: version, maxVersion: version }),
    verifyClient: t.verifyClient,
    verifyServer: t.verifyServer,
    requireClientCert: t.requireClientCert,
  };
}

/** The transports the stack opens, with the test/CLI port override applied. Throws when a TLS file is unusable. */
export function sipTransportSpecs(transports: readonly TransportConfig[], portOverride?: number): SipTransportSpec[] {
  const specs: SipTransportSpec[] = [];
  for (const t of transports) {
    if (t.protocol !== 'udp' && t.protocol !== 'tcp' && t.protocol !== 'tls') continue;
    const base = { name: t.name, host: t.host, port: portOverride ?? t.port, externalHost: t.externalSignalingAddress };
    if (t.protocol !== 'tls') {
      specs.push({ ...base, protocol: t.protocol });
      continue;
    }
    if (t.tls === undefined || t.tls.certFile === '') {
      throw new Error(`pjsip.conf transport '${t.name}': protocol=tls needs cert_file (and priv_key_file)`);
    }
    try {
      specs.push({ ...base, protocol: 'tls', tls: sipTlsOptions(t.tls) });
    } catch (e) {
      throw new Error(`pjsip.conf transport '${t.name}': ${(e as Error).message}`, { cause: e });
    }
  }
  return specs;
}
