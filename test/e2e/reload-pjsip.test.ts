/**
 * Reloading res_pjsip.so (PUT /ari/asterisk/modules/res_pjsip.so, and `switchyard reload res_pjsip.so`): pjsip.conf
 * is read again while a call is up. New calls use the changed endpoint (context, codecs, auth); the call in
 * progress keeps its endpoint and its audio; a file that cannot be parsed keeps the running configuration; an
 * endpoint created over ARI survives; rtp.conf's port range applies to the next call after res_rtp_asterisk.so.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';
import { ari, EventSocket } from '../helpers/ari.js';
import { sine } from '../helpers/audio.js';
import { RtpCall, tonesByPacket } from '../helpers/rtp-call.js';
import { SipPeer } from '../helpers/sip-peer.js';

const APP = 'reload-pjsip';
const CLI = join(import.meta.dirname, '../../src/cli/main.ts');

const EXTENSIONS = `
[ctx-a]
exten => echo,1,Answer()
 same => n,Echo()
exten => which,1,Stasis(${APP},a)
[ctx-b]
exten => echo,1,Answer()
 same => n,Echo()
exten => which,1,Stasis(${APP},b)
`;

interface Variant {
  readonly context: string;
  readonly allow: string;
  readonly password: string;
}

const pjsip = (v: Variant): string => `
[global]
type=global
endpoint_identifier_order=username,anonymous

[transport-udp]
type=transport
protocol=udp
bind=127.0.0.1:5060

[anonymous]
type=endpoint
context=${v.context}
disallow=all
allow=${v.allow}
direct_media=no
rtp_symmetric=yes

[carol]
type=endpoint
context=ctx-a
disallow=all
allow=ulaw
auth=carol-auth

[carol-auth]
type=auth
auth_type=digest
username=carol
password=${v.password}
`;

const FIRST: Variant = { context: 'ctx-a', allow: 'ulaw', password: 'first-secret' };
const SORCERY = '[res_pjsip]\nendpoint=memory\naor=memory\nauth=memory\n';

let server: TestServer;
let events: EventSocket;

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': EXTENSIONS,
    'pjsip.conf': pjsip(FIRST),
    'sorcery.conf': SORCERY,
    'rtp.conf': '[general]\nrtpstart=20000\nrtpend=29999\n',
  });
  events = await EventSocket.open(server, APP);
});

after(async () => {
  events.close();
  await server.close();
});

const writeConf = (name: string, text: string): void => writeFileSync(join(server.app.config.dir, name), text);

async function reload(module: string): Promise<void> {
  const r = await ari(server, 'PUT', `/asterisk/modules/${module}`);
  assert.equal(r.status, 204, r.text);
}

/** Dial `which` from an unknown user (the anonymous endpoint): the Stasis argument names the context used. */
async function contextOfNewCall(): Promise<string> {
  const earlier = new Set(events.events.map((e) => e.channel?.id));
  const dialing = RtpCall.dial(server, 'which');
  const start = await events.wait((e) => e.type === 'StasisStart' && !earlier.has(e.channel?.id));
  const id = start.channel!.id;
  assert.equal((await ari(server, 'POST', `/channels/${id}/answer`)).status, 204);
  const call = await dialing;
  await call.hangup();
  await events.wait((e) => e.type === 'StasisEnd' && e.channel?.id === id);
  return (start.args as string[])[0]!;
}

/** Send a 1 kHz tone for `ms` and return how many echoed packets carried it. */
async function echoedTonePackets(call: RtpCall, ms: number): Promise<number> {
  const from = call.audioPackets().length;
  await call.sendAudio(sine(1000, (8000 * ms) / 1000));
  await call.waitForPackets(from + ms / 40);
  return tonesByPacket(call.audioPackets().slice(from), [1000]).filter((p) => p.ratios[0]! > 0.5).length;
}

test('a changed context applies to new calls; the call up during the reload keeps echoing', async () => {
  assert.equal(await contextOfNewCall(), 'a');
  const held = await RtpCall.dial(server, 'echo');
  try {
    assert.ok((await echoedTonePackets(held, 400)) > 0, 'echo before the reload');

    writeConf('pjsip.conf', pjsip({ ...FIRST, context: 'ctx-b' }));
    await reload('res_pjsip.so');

    assert.equal(await contextOfNewCall(), 'b');
    assert.ok((await echoedTonePackets(held, 400)) > 0, 'echo after the reload');
    assert.equal(held.wasHungUp, false);
  } finally {
    await held.hangup();
  }
});

test('changed codecs: a new call offering the removed codec is refused, the added one is accepted', async () => {
  writeConf('pjsip.conf', pjsip({ ...FIRST, context: 'ctx-b', allow: 'alaw' }));
  await reload('res_pjsip.so');
  const peer = await SipPeer.open(() => server.sip.port);
  try {
    const sdp =
      'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
      'm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
    const refused = await peer.request('INVITE', {
      user: 'tester',
      ruriUser: 'echo',
      headers: [`Contact: <sip:tester@127.0.0.1:${peer.port}>`, 'Content-Type: application/sdp'],
      body: sdp,
    });
    assert.equal(refused.status, 488);
  } finally {
    peer.close();
  }
  const call = await RtpCall.dial(server, 'echo', { codec: 'alaw' });
  await call.hangup();
});

test('a changed password applies to the next request (reloaded with the switchyard CLI)', async () => {
  const peer = await SipPeer.open(() => server.sip.port);
  try {
    const ask = (pass: string) => peer.request('OPTIONS', { user: 'carol', auth: { user: 'carol', pass } });
    assert.equal((await ask('first-secret')).status, 200);

    writeConf('pjsip.conf', pjsip({ ...FIRST, password: 'second-secret' }));
    const run = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', CLI, 'reload', 'res_pjsip.so', '--url', server.url],
        (err, stdout) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout }),
      ),
    );
    assert.equal(run.code, 0);
    assert.equal(run.stdout, 'Module res_pjsip.so reloaded\n');

    assert.equal((await ask('second-secret')).status, 200);
    assert.equal((await ask('first-secret')).status, 401);
  } finally {
    peer.close();
  }
});

test('a file that cannot be parsed keeps the running configuration, and the reload still answers 204', async () => {
  writeConf('pjsip.conf', pjsip({ ...FIRST, context: 'ctx-b' }));
  await reload('res_pjsip.so');
  writeConf('pjsip.conf', pjsip(FIRST) + '\n[broken\ntype=endpoint\n');
  await reload('res_pjsip.so');
  assert.equal(await contextOfNewCall(), 'b');
});

test('an endpoint created over ARI survives a reload; pjsip.conf endpoints follow the file', async () => {
  const created = await ari(server, 'PUT', '/asterisk/config/dynamic/res_pjsip/endpoint/dyn-ep', {
    fields: [{ attribute: 'context', value: 'ctx-b' }],
  });
  assert.equal(created.status, 200, created.text);
  writeConf('pjsip.conf', pjsip(FIRST).replace(/\[carol\][^[]*/, ''));
  await reload('res_pjsip.so');
  assert.equal((await ari(server, 'GET', '/endpoints/PJSIP/dyn-ep')).status, 200);
  assert.equal((await ari(server, 'GET', '/endpoints/PJSIP/carol')).status, 404);
  assert.equal((await ari(server, 'GET', '/endpoints/PJSIP/anonymous')).status, 200);
});

test('res_rtp_asterisk.so: the next call takes its RTP port from the new range; the call up keeps its port', async () => {
  writeConf('pjsip.conf', pjsip(FIRST));
  await reload('res_pjsip.so');
  const held = await RtpCall.dial(server, 'echo');
  try {
    assert.ok(held.remotePort >= 20000 && held.remotePort <= 29999, String(held.remotePort));
    writeConf('rtp.conf', '[general]\nrtpstart=40000\nrtpend=40999\n');
    await reload('res_rtp_asterisk.so');
    const next = await RtpCall.dial(server, 'echo');
    assert.ok(next.remotePort >= 40000 && next.remotePort <= 40999, String(next.remotePort));
    await next.hangup();
    assert.ok((await echoedTonePackets(held, 400)) > 0, 'the call up still echoes on its old port');
  } finally {
    await held.hangup();
  }
});
