// Two real SIP legs joined: Dial(PJSIP/…) from the dialplan, and an ARI bridge of an inbound and an outbound call.
// Audio must cross: each leg receives RTP from its sipp and sends the other leg's audio on.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ari, EventSocket } from '../helpers/ari.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { freeUdpPort, killAllSipp, sippAvailable, startSipp } from '../helpers/sipp.js';

const skip = sippAvailable() ? false : 'sipp not installed (Debian package sip-tester)';

let server: TestServer;
let events: EventSocket;
let uasPort = 0;

before(async () => {
  if (skip) return;
  uasPort = await freeUdpPort();
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': `[globals]
UAS=sip:uas@127.0.0.1:${uasPort}
[default]
exten => dialout,1,Dial(PJSIP/\${UAS},10)
 same => n,Hangup()
exten => app,1,Stasis(dial)
 same => n,Hangup()
`,
    'pjsip.conf': EMBEDDED_PJSIP,
    'rtp.conf': '[general]\nrtpstart=27000\nrtpend=27999\n',
  });
  events = await EventSocket.open(server, 'dial');
});

after(async () => {
  killAllSipp();
  events?.close();
  await server?.close();
});

interface Stat {
  txcount: number;
  rxcount: number;
}

/** Polls until every current channel has sent and received at least `min` packets. */
async function audioBothWays(count: number, min: number): Promise<Map<string, Stat>> {
  const seen = new Map<string, Stat>();
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const list = (await ari(server, 'GET', '/channels')).json as Array<{ id: string }>;
    for (const c of list) {
      const r = await ari(server, 'GET', `/channels/${c.id}/rtp_statistics`);
      if (r.status === 200) seen.set(c.id, r.json as Stat);
    }
    const all = [...seen.values()];
    if (all.length >= count && all.every((s) => s.txcount >= min && s.rxcount >= min)) break;
  }
  return seen;
}

describe('two SIP legs', { skip }, () => {
  test('Dial(PJSIP/sip:…) from the dialplan: callee answers, audio crosses both ways, caller BYE ends both', async () => {
    const callee = await startSipp({ scenario: 'uas-answer', localPort: uasPort, vars: { holdms: '15000' } });
    await callee.ready;
    const caller = await startSipp({
      scenario: 'uac-call',
      remote: `127.0.0.1:${server.sip.port}`,
      service: 'dialout',
      vars: { hangup: 'uac', holdms: '2500' },
    });
    const stats = await audioBothWays(2, 10);
    assert.equal(stats.size, 2);
    for (const s of stats.values()) assert.ok(s.txcount >= 10 && s.rxcount >= 10, JSON.stringify(s));
    const [a, b] = await Promise.all([caller.done, callee.done]);
    assert.equal(a.code, 0, a.errors || a.stderr);
    assert.equal(b.code, 0, b.errors || b.stderr);
  });

  test('ARI bridge of an inbound and an originated SIP call relays audio', async () => {
    const callee = await startSipp({
      scenario: 'uas-answer',
      localPort: await freeUdpPort(),
      vars: { holdms: '15000' },
    });
    await callee.ready;
    const mark = events.events.length;
    const caller = await startSipp({
      scenario: 'uac-call',
      remote: `127.0.0.1:${server.sip.port}`,
      service: 'app',
      vars: { hangup: 'uac', holdms: '3000' },
    });
    const inbound = await events.wait((e) => e.type === 'StasisStart' && events.events.indexOf(e) >= mark, 8000);
    const a = inbound.channel!.id;
    await ari(server, 'POST', `/channels/${a}/answer`);
    const endpoint = encodeURIComponent(`PJSIP/sip:uas@127.0.0.1:${callee.port}`);
    const out = (await ari(server, 'POST', `/channels?endpoint=${endpoint}&app=dial`)).json as { id: string };
    await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === out.id, 8000);
    const bridge = (await ari(server, 'POST', '/bridges?type=mixing')).json as { id: string };
    assert.equal((await ari(server, 'POST', `/bridges/${bridge.id}/addChannel?channel=${a},${out.id}`)).status, 204);
    const stats = await audioBothWays(2, 10);
    for (const s of stats.values()) assert.ok(s.txcount >= 10 && s.rxcount >= 10, JSON.stringify(s));
    const done = await caller.done;
    assert.equal(done.code, 0, done.errors || done.stderr);
    await ari(server, 'DELETE', `/channels/${out.id}`);
    await ari(server, 'DELETE', `/bridges/${bridge.id}`);
    assert.equal((await callee.done).code, 0);
  });
});
