// Real SIP calls from sipp into a Stasis app, driven over ARI (sip-reference §2.1, §3.4, §4.2, §4.5).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ari, EventSocket, type AriEvent } from '../helpers/ari.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { killAllSipp, sipStartLines, sippAvailable, startSipp } from '../helpers/sipp.js';

const skip = sippAvailable() ? false : 'sipp not installed (Debian package sip-tester)';

const DIALPLAN = `
[default]
exten => stasis,1,Stasis(sipapp)
 same => n,Hangup()
exten => echo,1,Answer()
 same => n,Echo()
`;

let server: TestServer;
let events: EventSocket;

before(async () => {
  if (skip) return;
  server = await startTestServer({
    'ari.conf': '[general]\nenabled=yes\n[asterisk]\ntype=user\npassword=asterisk\n',
    'extensions.conf': DIALPLAN,
    'pjsip.conf': readFileSync(new URL('../../config/pjsip.conf', import.meta.url), 'utf8'),
    'rtp.conf': '[general]\nrtpstart=21000\nrtpend=22999\n',
  });
  events = await EventSocket.open(server, 'sipapp');
});

after(async () => {
  killAllSipp();
  events?.close();
  await server?.close();
});

const remote = (): string => `127.0.0.1:${server.sip.port}`;

describe('inbound SIP call into Stasis', { skip }, () => {
  test('ring, answer, RTP both ways, hang up from ARI: 180, 200+SDP, BYE with Reason', async () => {
    const sipp = await startSipp({
      scenario: 'uac-call',
      remote: remote(),
      service: 'stasis',
      vars: { hangup: 'uas' },
    });
    const start = await events.wait((e) => e.type === 'StasisStart', 8000);
    const ch = start.channel! as AriEvent['channel'] & { name: string };
    assert.match(ch.name, /^PJSIP\/anonymous-[0-9a-f]{8}$/);
    // An inbound channel's events stop at StasisEnd unless the app subscribes to it (sip-reference §2.4).
    await ari(server, 'POST', `/applications/sipapp/subscription?eventSource=channel:${ch.id}`);
    assert.equal(ch.state, 'Ring');
    assert.equal(ch.dialplan.exten, 'stasis');
    assert.equal((start.channel as any).caller.number, 'sipp');
    assert.equal((await ari(server, 'POST', `/channels/${ch.id}/ring`)).status, 204);
    assert.equal((await ari(server, 'POST', `/channels/${ch.id}/answer`)).status, 204);
    await events.wait((e) => e.type === 'ChannelStateChange' && e.channel?.id === ch.id && e.channel.state === 'Up');
    // sipp plays a 1 s tone after its ACK: the stream must arrive.
    let rx = 0;
    for (let i = 0; i < 40 && rx < 10; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const stats = await ari(server, 'GET', `/channels/${ch.id}/rtp_statistics`);
      rx = stats.status === 200 ? (stats.json.rxcount as number) : 0;
    }
    assert.ok(rx >= 10, `RTP received: ${rx}`);
    assert.equal((await ari(server, 'DELETE', `/channels/${ch.id}`)).status, 204);
    const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === ch.id);
    assert.equal(destroyed.cause, 16);
    assert.equal(destroyed.tech_cause, undefined);
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
    const lines = sipStartLines(result.messages);
    assert.ok(lines.includes('180') && lines.includes('200') && lines.includes('BYE'), lines.join(' '));
    assert.match(result.messages, /Reason: Q\.850;cause=16/);
  });
});
