/**
 * The AudioSocket connection as res_audiosocket.c `ast_audiosocket_connect` makes it: the host is resolved to
 * all its addresses, each is tried in turn with its own 2 s limit (MAX_CONNECT_TIMEOUT_MSEC), the first that
 * accepts wins, and Nagle's algorithm is off (TCP_NODELAY), so each 20 ms message leaves at once.
 */
import { lookup } from 'node:dns/promises';
import { connect, type Socket } from 'node:net';

/** How long one address may take to accept (res_audiosocket.c MAX_CONNECT_TIMEOUT_MSEC). */
export const CONNECT_TIMEOUT_MS = 2000;

export type Connected = { ok: true; socket: Socket; remote: string } | { ok: false; error: string };

/** Connect to `host:port`, trying every address the host resolves to; never rejects. */
export async function connectTcp(host: string, port: number, timeoutMs = CONNECT_TIMEOUT_MS): Promise<Connected> {
  let addresses: { address: string; family: number }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch (err) {
    return { ok: false, error: `cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  const failures: string[] = [];
  for (const { address, family } of addresses) {
    const attempt = await connectOne(address, family, port, timeoutMs);
    if (attempt.ok) return attempt;
    failures.push(attempt.error);
  }
  return { ok: false, error: failures.length > 0 ? failures.join('; ') : `no address for ${host}` };
}

function connectOne(address: string, family: number, port: number, timeoutMs: number): Promise<Connected> {
  const remote = family === 6 ? `[${address}]:${port}` : `${address}:${port}`;
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, family, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, error: `${remote}: timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve({ ok: true, socket, remote });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: false, error: `${remote}: ${err.code ?? err.message}` });
    });
  });
}
