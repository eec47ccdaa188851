import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
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

test('a created AOR takes a REGISTER; the binding reads and deletes as a contact object, the endpoint is listed', async () => {
  assert.equal(await put('aor/reg1', { max_contacts: '1' }), 200);
  assert.equal(await put('endpoint/reg1', { context: 'dynctx', aors: 'reg1' }), 200);
  const contact = `sip:reg1@127.0.0.1:${peer.port}`;
  const res = await peer.request('REGISTER', {
    user: 'reg1',
    headers: [`Contact: <${contact}>`, 'Expires: 600', 'User-Agent: TestUA/1'],
  });
  assert.equal(res.status, 200);
  // Asterisk names a registered contact <aor>;@<md5 of its URI>.
  const id = `reg1;@${createHash('md5').update(contact).digest('hex')}`;
  const got = await fetch(`${s.ariBase}/asterisk/config/dynamic/res_pjsip/contact/${encodeURIComponent(id)}`, {
    headers: { authorization: s.auth },
  });
  assert.equal(got.status, 200);
  const tuples = (await got.json()) as { attribute: string; value: string }[];
  const value = (a: string): string | undefined => tuples.find((t) => t.attribute === a)?.value;
  assert.equal(tuples.length, 15);
  assert.equal(value('uri'), contact);
  assert.equal(value('endpoint'), 'reg1');
  assert.equal(value('user_agent'), 'TestUA/1');
  assert.equal(value('via_port'), String(peer.port));
  const expires = Number(value('expiration_time')) - Date.now() / 1000;
  assert.ok(expires > 590 && expires <= 601, `expiration_time ${value('expiration_time')}`);
  const endpoints = await fetch(`${s.ariBase}/endpoints/PJSIP/reg1`, { headers: { authorization: s.auth } });
  assert.equal(((await endpoints.json()) as { state: string }).state, 'online');
  assert.equal(await remove(`contact/${encodeURIComponent(id)}`), 204);
  assert.equal(await remove(`contact/${encodeURIComponent(id)}`), 404);
});

test('a contact can be created, changed and deleted under an <aor>;@<name> id, as in Asterisk', async () => {
  const path = (id: string): string => `contact/${encodeURIComponent(id)}`;
  const invalid = (id: string): unknown => ({ status: 400, message: `Creation of object '${id}' failed field value validation` }); // prettier-ignore
  const send = async (method: string, id: string, pairs?: Record<string, string>): Promise<{ status: number; message?: string; tuples?: { attribute: string; value: string }[] }> => {
    const res = await fetch(`${s.ariBase}/asterisk/config/dynamic/res_pjsip/${path(id)}`, {
      method,
      headers: { authorization: s.auth, 'content-type': 'application/json' },
      ...(pairs && { body: JSON.stringify({ fields: Object.entries(pairs).map(([attribute, value]) => ({ attribute, value })) }) }),
    });
    const text = await res.text();
    const json = text === '' ? undefined : (JSON.parse(text) as unknown);
    return Array.isArray(json) ? { status: res.status, tuples: json } : { status: res.status, ...(json as { message?: string }) };
  }; // prettier-ignore
  assert.deepEqual(await send('PUT', 'plainid', { uri: 'sip:x@127.0.0.1' }), invalid('plainid')); // no ';@'
  assert.deepEqual(await send('PUT', 'reg2;@c1'), invalid('reg2;@c1')); // no uri
  assert.deepEqual(await send('PUT', 'reg2;@c1', { uri: 'sip:x@127.0.0.1', expiration_time: 'soon' }), invalid('reg2;@c1')); // prettier-ignore
  const made = await send('PUT', 'reg2;@c1', { uri: 'sip:x@127.0.0.1:5098', user_agent: 'A' });
  assert.equal(made.status, 200);
  const value = (r: typeof made, a: string): string | undefined => r.tuples?.find((t) => t.attribute === a)?.value;
  assert.equal(value(made, 'uri'), 'sip:x@127.0.0.1:5098');
  assert.equal(value(made, 'expiration_time'), '0');
  const changed = await send('PUT', 'reg2;@c1', { user_agent: 'B' });
  assert.equal(value(changed, 'user_agent'), 'B');
  assert.equal(value(changed, 'uri'), 'sip:x@127.0.0.1:5098');
  assert.deepEqual(await send('PUT', 'reg2;@c1'), { status: 400, message: "Fields must be provided to update object 'reg2;@c1'" }); // prettier-ignore
  assert.equal((await send('DELETE', 'reg2;@c1')).status, 204);
  assert.equal((await send('GET', 'reg2;@c1')).status, 404);
});
