/**
 * Reading the PEM files a TLS listener is configured with (http.conf tlscertfile/tlsprivatekey/tlscafile/
 * tlscapath, pjsip.conf cert_file/priv_key_file/ca_list_file/ca_list_path). Read once at start; a file that
 * cannot be read stops the start with its name, since a TLS listener without its certificate cannot serve.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface PemFiles {
  /** Certificate chain file (PEM). */
  readonly certFile: string;
  /** Private key file; '' = the key is in the certificate file (as Asterisk reads it). */
  readonly keyFile: string;
  /** One CA bundle file, '' for none. */
  readonly caFile: string;
  /** A folder of CA certificates (each regular file is read), '' for none. */
  readonly caPath: string;
}

export interface PemMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Undefined when neither a CA file nor a CA folder was given (Node's bundled roots then apply). */
  readonly ca: Buffer[] | undefined;
}

function readPem(what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read the TLS ${what} ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** The certificates of a CA folder: every regular file in it, in name order. */
function readCaFolder(dir: string): Buffer[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    throw new Error(`cannot read the TLS CA folder ${dir}: ${(e as Error).message}`, { cause: e });
  }
  return names
    .map((n) => join(dir, n))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile() === true)
    .map((p) => readPem('CA certificate', p));
}

/** Reads the files; throws with the file's name when one is missing or unreadable. */
export function readPemFiles(files: PemFiles): PemMaterial {
  if (files.certFile === '') throw new Error('TLS is enabled but no certificate file is configured');
  const cert = readPem('certificate', files.certFile);
  const key = files.keyFile === '' ? cert : readPem('private key', files.keyFile);
  const ca = [
    ...(files.caFile === '' ? [] : [readPem('CA file', files.caFile)]),
    ...(files.caPath === '' ? [] : readCaFolder(files.caPath)),
  ];
  return { cert, key, ca: ca.length === 0 ? undefined : ca };
}
