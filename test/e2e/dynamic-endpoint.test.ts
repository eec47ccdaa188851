import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';
import { SipPeer } from '../helpers/sip-peer.js';

// No endpoint in pjsip.conf: every endpoint here is created through ARI. The context answers 500 with
// Hangup(17), which chan_pjsip turns into 486 Busy Here: a 486 proves the INVITE reached that context.
const PJSIP = '[transport-udp]\ntype=transport\nprotocol=udp\nbind=127.0.0.1:5060\n';
const SORCERY = [
  '[res_pjsip]\nendpoint=memory\naor=memory\nauth=memory\n',
  '[res_pjsip_endpoint_identifier_ip]\nidentify=memory\n',
].join('');
const EXTENSIONS = '[dynctx]\nexten => 500,1,Hangup(17)\n';
const BUSY_HERE = 486;

let s: TestServer;
let peer: SipPeer;

before(async () => {
  s = await startTestServer({
    'ari.conf': ARI_CONF,
    'pjsip.conf': PJSIP,
    'sorcery.conf': SORCERY,
    'extensions.conf': EXTENSIONS,
  });
  peer = await SipPeer.open(() => s.sip.port);
});
after(async () => {
  peer.sock.close();
  await s.close();
});

async function put(path: string, pairs: Record<string, string>): Promise<number> {
  const fields = Object.entries(pairs).map(([attribute, value]) => ({ attribute, value }));
  const res = await fetch(`${s.ariBase}/asterisk/config/dynamic/res_pjsip/${path}`, {
    method: 'PUT',
    headers: { authorization: s.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ fields }),
  });
  await res.text();
  return res.status;
}

async function remove(path: string): Promise<number> {
  const res = await fetch(`${s.ariBase}/asterisk/config/dynamic/res_pjsip/${path}`, {
    method: 'DELETE',
    headers: { authorization: s.auth },
  });
  await res.text();
  return res.status;
}

/** An INVITE to 500 offering PCMU; the final status. */
async function invite(user: string, auth?: { user: string; pass: string }): Promise<number> {
  const sdp = `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n`;
  const res = await peer.request('INVITE', {
    user,
    ruriUser: '500',
    headers: [`Contact: <sip:${user}@127.0.0.1:${peer.port}>`, 'Content-Type: application/sdp'],
    body: sdp,
    ...(auth && { auth }),
  });
  return res.status;
}

test('an endpoint created through ARI (with its auth and aor) is identified, challenged and routed at once', async () => {
  const creds = { user: 'dyn1', pass: 's3cret' };
  assert.notEqual(await invite('dyn1', creds), BUSY_HERE); // nothing to identify yet
  assert.equal(await put('auth/dyn1-auth', { username: 'dyn1', password: 's3cret' }), 200);
  assert.equal(await put('aor/dyn1', { max_contacts: '1' }), 200);
  assert.equal(await put('endpoint/dyn1', { context: 'dynctx', allow: 'ulaw', auth: 'dyn1-auth', aors: 'dyn1' }), 200); // prettier-ignore
  assert.equal(await invite('dyn1', { user: 'dyn1', pass: 'wrong' }), 401);
  assert.equal(await invite('dyn1', creds), BUSY_HERE);
  assert.equal(await remove('endpoint/dyn1'), 204);
  assert.notEqual(await invite('dyn1', creds), BUSY_HERE);
});

test('an identify created through ARI matches the source address of an unauthenticated endpoint', async () => {
  assert.equal(await put('endpoint/byip', { context: 'dynctx', allow: 'ulaw', identify_by: 'ip' }), 200);
  assert.notEqual(await invite('someone'), BUSY_HERE); // identify_by=ip and no identify yet
  assert.equal(await put('identify/byip', { endpoint: 'byip', match: '127.0.0.1' }), 200);
  assert.equal(await invite('someone'), BUSY_HERE);
  assert.equal(await remove('identify/byip'), 204);
  assert.notEqual(await invite('someone'), BUSY_HERE);
});
