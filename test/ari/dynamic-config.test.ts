import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';

const PJSIP = [
  '[transport-udp]\ntype=transport\nprotocol=udp\nbind=127.0.0.1:5060\n',
  '[anonymous]\ntype=endpoint\ntransport=transport-udp\ncontext=default\ndisallow=all\nallow=ulaw,alaw\n',
  'direct_media=no\nrtp_symmetric=yes\n',
].join('');

/** Writable wizards for the four types, as sorcery.conf maps them for Asterisk. */
const SORCERY = [
  '[res_pjsip]\nendpoint=config,pjsip.conf,criteria=type=endpoint\nendpoint=memory\n',
  'aor=config,pjsip.conf,criteria=type=aor\naor=memory\nauth=config,pjsip.conf,criteria=type=auth\nauth=memory\n',
  '[res_pjsip_endpoint_identifier_ip]\nidentify=config,pjsip.conf,criteria=type=identify\nidentify=memory\n',
].join('');

/** The first attributes of an endpoint, in the order Asterisk 22.10.1 lists them. */
const ENDPOINT_HEAD = ['rpid_immediate', 'webrtc', 'ignore_183_without_sdp', 'send_aoc', 'device_state_busy_at'];

type Tuple = { attribute: string; value: string };

async function call(
  s: TestServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${s.ariBase}/asterisk/config/dynamic/${path}`, {
    method,
    headers: { authorization: s.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
}

const valueOf = (json: unknown, attribute: string): string[] =>
  (json as Tuple[]).filter((t) => t.attribute === attribute).map((t) => t.value);
const fields = (pairs: Record<string, string>): { fields: Tuple[] } => ({
  fields: Object.entries(pairs).map(([attribute, value]) => ({ attribute, value })),
});

describe('dynamic configuration, pjsip.conf only (no sorcery.conf)', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer({ 'ari.conf': ARI_CONF, 'pjsip.conf': PJSIP })));
  after(async () => s.close());

  test('an endpoint reads as all 138 of Asterisk 22 attributes, in its order, with the file values', async () => {
    const { status, json } = await call(s, 'GET', 'res_pjsip/endpoint/anonymous');
    assert.equal(status, 200);
    const tuples = json as Tuple[];
    assert.equal(tuples.length, 138);
    assert.deepEqual(
      tuples.slice(0, 5).map((t) => t.attribute),
      ENDPOINT_HEAD,
    );
    assert.deepEqual(valueOf(json, 'allow'), ['(ulaw|alaw)']);
    assert.deepEqual(valueOf(json, 'rtp_symmetric'), ['true']);
    assert.deepEqual(valueOf(json, 'direct_media'), ['false']);
    assert.deepEqual(valueOf(json, 'transport'), ['transport-udp']);
    assert.deepEqual(valueOf(json, 'callerid'), ['<unknown>']);
  });

  test('a transport reads as its 28 attributes', async () => {
    const { status, json } = await call(s, 'GET', 'res_pjsip/transport/transport-udp');
    assert.equal(status, 200);
    assert.equal((json as Tuple[]).length, 28);
    assert.deepEqual(valueOf(json, 'protocol'), ['udp']);
  });

  test('unknown class, type and id answer 404 with Asterisk messages, in that order', async () => {
    assert.deepEqual(await call(s, 'GET', 'nope/endpoint/x'), { status: 404, json: { message: "configClass 'nope' not found" } }); // prettier-ignore
    assert.deepEqual(await call(s, 'GET', 'res_pjsip/nope/x'), { status: 404, json: { message: "objectType 'nope' not found" } }); // prettier-ignore
    assert.deepEqual(await call(s, 'GET', 'res_pjsip/endpoint/x'), { status: 404, json: { message: "Object with id 'x' not found" } }); // prettier-ignore
    assert.deepEqual(await call(s, 'DELETE', 'res_pjsip/endpoint/x'), { status: 404, json: { message: "Object with id 'x' not found" } }); // prettier-ignore
  });

  test('without a writable wizard nothing can be created, updated or deleted (403)', async () => {
    assert.deepEqual(await call(s, 'PUT', 'res_pjsip/endpoint/dyn1', fields({ context: 'default' })), {
      status: 403,
      json: { message: "Cannot create sorcery objects of type 'endpoint'" },
    });
    assert.deepEqual(await call(s, 'PUT', 'res_pjsip/endpoint/anonymous', fields({ context: 'x' })), {
      status: 403,
      json: { message: "Cannot update sorcery objects of type 'endpoint'" },
    });
    assert.deepEqual(await call(s, 'PUT', 'res_pjsip/endpoint/anonymous'), {
      status: 400,
      json: { message: "Fields must be provided to update object 'anonymous'" },
    });
    assert.deepEqual(await call(s, 'DELETE', 'res_pjsip/endpoint/anonymous'), {
      status: 403,
      json: { message: "Could not delete object with id 'anonymous'" },
    });
    assert.equal((await call(s, 'GET', 'res_pjsip/endpoint/dyn1')).status, 404);
  });
});

describe('dynamic configuration with memory wizards in sorcery.conf', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer({ 'ari.conf': ARI_CONF, 'pjsip.conf': PJSIP, 'sorcery.conf': SORCERY }))); // prettier-ignore
  after(async () => s.close());

  test('PUT creates an endpoint, a second PUT changes only the fields it names, DELETE removes it', async () => {
    const created = await call(s, 'PUT', 'res_pjsip/endpoint/dyn1', fields({ context: 'default', allow: 'ulaw', aors: 'a, b' })); // prettier-ignore
    assert.equal(created.status, 200);
    assert.equal((created.json as Tuple[]).length, 138);
    assert.deepEqual(valueOf(created.json, 'allow'), ['(ulaw)']);
    assert.deepEqual(valueOf(created.json, 'aors'), ['a, b']); // kept as written
    assert.deepEqual(valueOf(created.json, 'direct_media'), ['true']); // Asterisk's default
    const updated = await call(s, 'PUT', 'res_pjsip/endpoint/dyn1', fields({ context: 'ctx2', webrtc: 'yes' }));
    assert.equal(updated.status, 200);
    assert.deepEqual(valueOf(updated.json, 'context'), ['ctx2']);
    assert.deepEqual(valueOf(updated.json, 'aors'), ['a, b']);
    assert.deepEqual(valueOf(updated.json, 'webrtc'), ['yes']);
    assert.deepEqual((await call(s, 'GET', 'res_pjsip/endpoint/dyn1')).json, updated.json);
    assert.deepEqual(await call(s, 'DELETE', 'res_pjsip/endpoint/dyn1'), { status: 204, json: undefined });
    assert.equal((await call(s, 'GET', 'res_pjsip/endpoint/dyn1')).status, 404);
  });

  test('a created endpoint with no fields has Asterisk defaults', async () => {
    const { status, json } = await call(s, 'PUT', 'res_pjsip/endpoint/bare');
    assert.equal(status, 200);
    assert.deepEqual(valueOf(json, 'allow'), ['(nothing)']);
    assert.deepEqual(valueOf(json, 'identify_by'), ['username,ip']);
  });

  test('values the pjsip.conf reader refuses fail validation with 400', async () => {
    const invalid = (id: string, verb = 'Creation'): unknown => ({
      status: 400,
      json: { message: `${verb} of object '${id}' failed field value validation` },
    });
    assert.deepEqual(await call(s, 'PUT', 'res_pjsip/endpoint/e2', fields({ bogus: '1' })), invalid('e2'));
    assert.deepEqual(await call(s, 'PUT', 'res_pjsip/endpoint/e2', fields({ dtmf_mode: 'nope' })), invalid('e2'));
    assert.deepEqual(await call(s, 'PUT', 'res_pjsip/auth/a2', fields({ password: 'x' })), invalid('a2')); // no username
    assert.deepEqual(await call(s, 'PUT', 'res_pjsip/identify/i2', fields({ match: '127.0.0.3' })), invalid('i2')); // no endpoint
    assert.deepEqual(await call(s, 'PUT', 'res_pjsip/endpoint/anonymous', fields({ dtmf_mode: 'x' })), invalid('anonymous', 'Update')); // prettier-ignore
  });

  test('objects of pjsip.conf stay read-only and transports cannot be created', async () => {
    assert.deepEqual(await call(s, 'PUT', 'res_pjsip/endpoint/anonymous', fields({ context: 'x' })), {
      status: 403,
      json: { message: "Cannot update sorcery objects of type 'endpoint'" },
    });
    assert.equal((await call(s, 'DELETE', 'res_pjsip/endpoint/anonymous')).status, 403);
    assert.deepEqual(await call(s, 'PUT', 'res_pjsip/transport/t2', fields({ bind: '127.0.0.1:5090' })), {
      status: 403,
      json: { message: "Cannot create sorcery objects of type 'transport'" },
    });
  });

  test('aor contacts and identify matches read as one tuple each, in Asterisk formats', async () => {
    const aor = await call(s, 'PUT', 'res_pjsip/aor/a3', fields({ contact: 'sip:a@1.2.3.4, sip:b@1.2.3.4', qualify_timeout: '2.5' })); // prettier-ignore
    assert.equal(aor.status, 200);
    assert.deepEqual(valueOf(aor.json, 'contact'), ['sip:b@1.2.3.4', 'sip:a@1.2.3.4']);
    assert.deepEqual(valueOf(aor.json, 'qualify_timeout'), ['2.500000']);
    const id = await call(s, 'PUT', 'res_pjsip/identify/i3', fields({ endpoint: 'anonymous', match: '127.0.0.0/8,10.0.0.1:5060' })); // prettier-ignore
    assert.equal(id.status, 200);
    assert.deepEqual(valueOf(id.json, 'match'), ['127.0.0.0/255.0.0.0', '10.0.0.1:5060/255.255.255.255']);
    const auth = await call(s, 'PUT', 'res_pjsip/auth/au3', fields({ username: 'u', password: 'p' }));
    assert.deepEqual(valueOf(auth.json, 'auth_type'), ['userpass']);
    assert.equal((auth.json as Tuple[]).length, 12);
  });
});
