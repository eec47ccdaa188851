// SIP over TLS (RFC 3261 §26.3.1, §18): the TCP transport, connection table and framing included, over sockets
// made by `node:tls`. Via says `SIP/2.0/TLS`; the default port is 5061 (§19.1.2). The options are plain PEM
// material and switches, named after pjsip.conf's transport options so a reader can map them, but this module
// knows nothing of configuration files.

import type net from 'node:net';
import { isIP } from 'node:net';
import tls from 'node:tls';

import { type StreamSockets, TcpTransport, type TcpTransportOptions } from './tcp-transport.js';
import type { TransportUser } from './transport.js';

/** RFC 3261 §19.1.2: the default port of `sips:` URIs and of SIP over TLS. */
export const SIP_TLS_DEFAULT_PORT = 5061;

/** The TLS side of a transport: what `tls.createServer` and `tls.connect` need, in plain terms. */
export interface SipTlsOptions {
  /** Our certificate chain (PEM), presented to clients and, when they ask, to servers. */
  readonly cert: string | Buffer;
  /** Our private key (PEM); a PEM holding both the certificate and the key may be given for both. */
  readonly key: string | Buffer;
  /** The key's passphrase (pjsip.conf `password`). */
  readonly passphrase?: string;
  /** Trusted CA certificates (PEM) for verifying the peer; Node's bundled roots when absent. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** OpenSSL cipher list (`cipher`). */
  readonly ciphers?: string;
  /** Protocol version bounds (`method`): tlsv1_2 pins both to TLSv1.2. */
  readonly minVersion?: tls.SecureVersion;
  readonly maxVersion?: tls.SecureVersion;
  /** `verify_client`: a certificate a client presents must verify against `ca`, or the connection is closed. */
  readonly verifyClient?: boolean;
  /** `require_client_cert`: a client without a verified certificate is refused during the handshake. */
  readonly requireClientCert?: boolean;
  /** `verify_server`: our outbound connections refuse a server whose certificate does not verify. */
  readonly verifyServer?: boolean;
}

export type TlsTransportOptions = Omit<TcpTransportOptions, 'sockets'> & { readonly tls: SipTlsOptions };

/** The `tls.createServer` / `tls.connect` pair for one transport. */
export function tlsSockets(o: SipTlsOptions, onRefused?: (socket: net.Socket, why: string) => void): StreamSockets {
  const common: tls.SecureContextOptions = {
    cert: o.cert,
    key: o.key,
    ...(o.passphrase !== undefined && { passphrase: o.passphrase }),
    ...(o.ca !== undefined && { ca: o.ca as tls.SecureContextOptions['ca'] }),
    ...(o.ciphers !== undefined && o.ciphers !== '' && { ciphers: o.ciphers }),
    ...(o.minVersion !== undefined && { minVersion: o.minVersion }),
    ...(o.maxVersion !== undefined && { maxVersion: o.maxVersion }),
  };
  const askCert = o.verifyClient === true || o.requireClientCert === true;
  return {
    protocol: 'tls',
    createServer: (onSocket) =>
      tls.createServer(
        // require_client_cert: Node refuses an absent or unverified certificate in the handshake itself.
        { ...common, requestCert: askCert, rejectUnauthorized: o.requireClientCert === true },
        (socket) => {
          // verify_client alone: no certificate is allowed, but one that is presented must verify.
          const presented = askCert && Object.keys(socket.getPeerCertificate()).length > 0;
          if (presented && !socket.authorized) {
            onRefused?.(socket, `client certificate refused: ${String(socket.authorizationError)}`);
            socket.destroy();
            return;
          }
          onSocket(socket);
        },
      ),
    connect: (host, port) =>
      tls.connect({
        ...common,
        host,
        port,
        // SNI carries host names only (RFC 6066 §3).
        ...(isIP(host) === 0 && { servername: host }),
        rejectUnauthorized: o.verifyServer === true,
      }),
  };
}

/** Opens a SIP-over-TLS listener; rejects when the address cannot be bound or the PEM material is unusable. */
export function openTlsTransport(options: TlsTransportOptions, user: TransportUser): Promise<TcpTransport> {
  const { tls: tlsOptions, ...rest } = options;
  const onRefused = (socket: net.Socket, why: string): void =>
    user.onError?.('SOCKET_ERROR', why, {
      host: socket.remoteAddress ?? '',
      port: socket.remotePort ?? 0,
      protocol: 'tls',
    });
  return TcpTransport.open({ ...rest, sockets: tlsSockets(tlsOptions, onRefused) }, user);
}
