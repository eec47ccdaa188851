// Real SIP calls from sipp into a Stasis app, driven over ARI (sip-reference §2.1, §3.4, §4.2, §4.5).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ari, EventSocket, type AriEvent } from '../helpers/ari.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { makeDtmfPcap } from '../helpers/pcap.js';
import { killAllSipp, runSipp, sipStartLines, sippAvailable, startSipp } from '../helpers/sipp.js';

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
    'ari.conf': ARI_CONF,
    'extensions.conf': DIALPLAN,
    'pjsip.conf': EMBEDDED_PJSIP,
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

  /** Waits for the next StasisStart and subscribes to the channel so its end is seen too. */
  async function nextCall(after: number): Promise<AriEvent['channel'] & { name: string }> {
    const start = await events.wait((e) => e.type === 'StasisStart' && events.events.indexOf(e) >= after, 8000);
    const ch = start.channel! as AriEvent['channel'] & { name: string };
    await ari(server, 'POST', `/applications/sipapp/subscription?eventSource=channel:${ch.id}`);
    return ch;
  }

  const typed = (id: string, type: string) => (e: AriEvent) => e.type === type && e.channel?.id === id;

  test('caller BYE without Reason: ChannelHangupRequest {} and ChannelDestroyed cause 0', async () => {
    const mark = events.events.length;
    const sipp = await startSipp({
      scenario: 'uac-call',
      remote: remote(),
      service: 'stasis',
      vars: { hangup: 'uac', holdms: '800' },
    });
    const ch = await nextCall(mark);
    await ari(server, 'POST', `/channels/${ch.id}/answer`);
    const req = await events.wait(typed(ch.id, 'ChannelHangupRequest'), 8000);
    // The RTP quality variables are set just before the hangup request (sip-reference §1.3).
    const qos = events.events.filter(typed(ch.id, 'ChannelVarset')).map((e) => e.variable as string);
    assert.deepEqual(
      qos.filter((v) => v.startsWith('RTPAUDIOQOS')),
      ['RTPAUDIOQOS', 'RTPAUDIOQOSJITTER', 'RTPAUDIOQOSLOSS', 'RTPAUDIOQOSRTT', 'RTPAUDIOQOSMES'],
    );
    const summary = events.events.find((e) => typed(ch.id, 'ChannelVarset')(e) && e.variable === 'RTPAUDIOQOS')!;
    assert.match(summary.value as string, /^ssrc=\d+;themssrc=\d+;lp=\d+;rxjitter=[\d.]+;rxcount=\d+;/);
    assert.ok(events.events.indexOf(summary) < events.events.indexOf(req));
    assert.equal(req.cause, undefined);
    assert.equal(req.tech_cause, undefined);
    assert.equal(req.soft, undefined);
    const destroyed = await events.wait(typed(ch.id, 'ChannelDestroyed'));
    assert.equal(destroyed.cause, 0);
    assert.equal(destroyed.cause_txt, 'Unknown');
    assert.equal((await sipp.done).code, 0);
  });

  test('caller CANCEL while ringing: 487 with Reason, cause 127 / tech_cause 487', async () => {
    const mark = events.events.length;
    const sipp = await startSipp({ scenario: 'uac-cancel', remote: remote(), service: 'stasis' });
    const ch = await nextCall(mark);
    await ari(server, 'POST', `/channels/${ch.id}/ring`);
    const req = await events.wait(typed(ch.id, 'ChannelHangupRequest'), 8000);
    assert.equal(req.cause, 127);
    assert.equal(req.tech_cause, 487);
    const destroyed = await events.wait(typed(ch.id, 'ChannelDestroyed'));
    assert.equal(destroyed.cause, 127);
    assert.equal(destroyed.tech_cause, 487);
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
    assert.match(result.messages, /SIP\/2\.0 487 Request Terminated[\s\S]*Reason: Q\.850;cause=0/);
  });

  test('ARI hangup reason=busy on a ringing call: 486 Busy Here, cause 17 / tech_cause 486', async () => {
    const mark = events.events.length;
    const sipp = await startSipp({ scenario: 'uac-expect-busy', remote: remote(), service: 'stasis' });
    const ch = await nextCall(mark);
    assert.equal((await ari(server, 'DELETE', `/channels/${ch.id}?reason=busy`)).status, 204);
    const destroyed = await events.wait(typed(ch.id, 'ChannelDestroyed'));
    assert.equal(destroyed.cause, 17);
    assert.equal(destroyed.tech_cause, 486);
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
    assert.match(result.messages, /486 Busy Here[\s\S]*Reason: Q\.850;cause=17/);
  });

  test('RFC 4733 DTMF in: one ChannelDtmfReceived with the digit and duration of the end packet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-dtmf-'));
    const pcap = join(dir, 'dtmf7.pcap');
    makeDtmfPcap(pcap, { digit: '7', durationMs: 180 });
    const mark = events.events.length;
    const sipp = await startSipp({
      scenario: 'uac-dtmf',
      remote: remote(),
      service: 'stasis',
      keys: { dtmf: pcap },
    });
    const ch = await nextCall(mark);
    await ari(server, 'POST', `/channels/${ch.id}/answer`);
    const dtmf = await events.wait(typed(ch.id, 'ChannelDtmfReceived'), 8000);
    assert.equal(dtmf.digit, '7');
    assert.equal(dtmf.duration_ms, 180);
    await ari(server, 'DELETE', `/channels/${ch.id}`);
    assert.equal((await sipp.done).code, 0);
    assert.equal(events.events.filter(typed(ch.id, 'ChannelDtmfReceived')).length, 1);
  });

  test('INFO application/dtmf-relay: ChannelDtmfReceived with the Signal and Duration', async () => {
    const mark = events.events.length;
    const sipp = await startSipp({
      scenario: 'uac-info-dtmf',
      remote: remote(),
      service: 'stasis',
      keys: { digit: '5', duration: '250' },
    });
    const ch = await nextCall(mark);
    await ari(server, 'POST', `/channels/${ch.id}/answer`);
    const dtmf = await events.wait(typed(ch.id, 'ChannelDtmfReceived'), 8000);
    assert.equal(dtmf.digit, '5');
    assert.equal(dtmf.duration_ms, 250);
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
  });

  test('re-INVITE sendonly then sendrecv: recvonly answer + ChannelHold, then ChannelUnhold', async () => {
    const mark = events.events.length;
    const sipp = await startSipp({ scenario: 'uac-hold', remote: remote(), service: 'stasis' });
    const ch = await nextCall(mark);
    await ari(server, 'POST', `/channels/${ch.id}/answer`);
    const hold = await events.wait(typed(ch.id, 'ChannelHold'), 8000);
    assert.equal(hold.musicclass, 'default');
    await events.wait(typed(ch.id, 'ChannelUnhold'), 8000);
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
  });

  test('Echo() on a SIP call sends the received audio back', async () => {
    const sipp = await startSipp({
      scenario: 'uac-call',
      remote: remote(),
      service: 'echo',
      vars: { hangup: 'uac', holdms: '1500' },
    });
    let tx = 0;
    let rx = 0;
    for (let i = 0; i < 30 && tx < 20; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const list = (await ari(server, 'GET', '/channels')).json as Array<{ id: string; dialplan: { exten: string } }>;
      const echo = list.find((c) => c.dialplan.exten === 'echo');
      if (!echo) continue;
      const stats = await ari(server, 'GET', `/channels/${echo.id}/rtp_statistics`);
      if (stats.status === 200) ({ txcount: tx, rxcount: rx } = stats.json as { txcount: number; rxcount: number });
    }
    assert.ok(tx >= 20 && rx >= 20, `echo: rx ${rx} tx ${tx}`);
    assert.equal((await sipp.done).code, 0);
  });

  test('an app subscribed to endpoint:PJSIP/anonymous sees the channel events of its calls', async () => {
    const watch = await EventSocket.open(server, 'epwatch');
    try {
      const sub = await ari(server, 'POST', '/applications/epwatch/subscription?eventSource=endpoint:PJSIP/anonymous');
      assert.equal(sub.status, 200, sub.text);
      const sipp = await startSipp({ scenario: 'uac-cancel', remote: remote(), service: 'stasis' });
      const created = await watch.wait((e) => e.type === 'ChannelCreated', 8000);
      assert.equal(created.channel!.state, 'Ring');
      await watch.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === created.channel!.id, 8000);
      assert.ok(watch.events.some((e) => e.type === 'EndpointStateChange'));
      await sipp.done;
    } finally {
      watch.close();
    }
  });

  test('INVITE for an extension that does not exist: 404 and no channel', async () => {
    const before = events.events.length;
    const r = await runSipp({ scenario: 'uac-expect-busy', remote: remote(), service: 'nosuchexten', timeoutS: 5 });
    assert.match(r.messages, /SIP\/2\.0 404 Not Found/);
    assert.equal(events.events.slice(before).filter((e) => e.type === 'StasisStart').length, 0);
  });
});

describe('inbound SIP call over TCP', { skip }, () => {
  let tcp: TestServer;
  let tcpEvents: EventSocket;
  before(async () => {
    const pjsip = EMBEDDED_PJSIP;
    tcp = await startTestServer({
      'ari.conf': ARI_CONF,
      'extensions.conf': DIALPLAN,
      'pjsip.conf': `${pjsip}\n[transport-tcp]\ntype=transport\nprotocol=tcp\nbind=127.0.0.1:5060\n`,
      'rtp.conf': '[general]\nrtpstart=28000\nrtpend=28999\n',
    });
    tcpEvents = await EventSocket.open(tcp, 'sipapp');
  });
  after(async () => {
    tcpEvents?.close();
    await tcp?.close();
  });

  test('INVITE over TCP: answered through ARI, our BYE goes back over the same connection', async () => {
    const port = tcp.app.sip.find((t) => t.protocol === 'tcp')!.port;
    const sipp = await startSipp({
      scenario: 'uac-call',
      remote: `127.0.0.1:${port}`,
      service: 'stasis',
      transport: 't1',
      vars: { hangup: 'uas' },
    });
    const start = await tcpEvents.wait((e) => e.type === 'StasisStart', 8000);
    const id = start.channel!.id;
    assert.equal((await ari(tcp, 'POST', `/channels/${id}/answer`)).status, 204);
    await tcpEvents.wait((e) => e.type === 'ChannelStateChange' && e.channel?.id === id);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await ari(tcp, 'DELETE', `/channels/${id}`)).status, 204);
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
    assert.match(result.messages, /BYE sip:/);
    assert.match(result.messages, new RegExp(`Contact: <sip:127\\.0\\.0\\.1:${port};transport=tcp>`));
  });
});

describe('inbound SIP call from an endpoint with auth', { skip }, () => {
  test('alice is challenged (401), answers with her password, the call reaches Echo() and ends by her BYE', async () => {
    const result = await runSipp({
      scenario: 'uac-auth-call',
      remote: remote(),
      service: 'echo',
      authUser: 'alice',
      authPass: 'alice-secret',
      vars: { user: 'alice' },
      timeoutS: 15,
    });
    assert.equal(result.code, 0, result.errors || result.stderr);
    const lines = sipStartLines(result.messages);
    assert.ok(lines.includes('401') && lines.includes('200'), lines.join(' '));
  });

  test('a wrong password gets another 401 and no call', async () => {
    const before = events.events.length;
    const result = await runSipp({
      scenario: 'uac-auth-call',
      remote: remote(),
      service: 'stasis',
      authUser: 'alice',
      authPass: 'wrong',
      vars: { user: 'alice' },
      timeoutS: 4,
    });
    assert.notEqual(result.code, 0);
    // The second 401 (fresh nonce) is retransmitted while sipp, expecting a 200, never ACKs it.
    assert.ok(sipStartLines(result.messages).filter((l) => l === '401').length >= 2);
    assert.ok(!sipStartLines(result.messages).includes('200'));
    assert.equal(events.events.slice(before).filter((e) => e.type === 'StasisStart').length, 0);
  });
});

describe('inbound SIP call over IPv6', { skip }, () => {
  let v6: TestServer;
  let v6Events: EventSocket;
  before(async () => {
    v6 = await startTestServer({
      'ari.conf': ARI_CONF,
      'extensions.conf': DIALPLAN,
      'pjsip.conf':
        '[udp6]\ntype=transport\nprotocol=udp\nbind=[::1]:5060\n' +
        '[anonymous]\ntype=endpoint\ncontext=default\nallow=ulaw\n',
      'rtp.conf': '[general]\nrtpstart=31000\nrtpend=31999\n',
    });
    v6Events = await EventSocket.open(v6, 'sipapp');
  });
  after(async () => {
    v6Events?.close();
    await v6?.close();
  });

  test('INVITE to [::1]: Via/Contact with brackets, SDP in IP6, audio, BYE', async () => {
    const port = v6.sip.port;
    const sipp = await startSipp({
      scenario: 'uac-call',
      remote: `[::1]:${port}`,
      service: 'stasis',
      vars: { hangup: 'uas' },
    });
    const start = await v6Events.wait((e) => e.type === 'StasisStart', 8000);
    const id = start.channel!.id;
    assert.equal((await ari(v6, 'POST', `/channels/${id}/answer`)).status, 204);
    let rx = 0;
    for (let i = 0; i < 30 && rx < 10; i++) {
      await new Promise((r) => setTimeout(r, 100));
      rx = ((await ari(v6, 'GET', `/channels/${id}/rtp_statistics`)).json as { rxcount: number }).rxcount;
    }
    assert.ok(rx >= 10, `RTP received ${rx}`);
    assert.equal((await ari(v6, 'DELETE', `/channels/${id}`)).status, 204);
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
    assert.match(result.messages, /Contact: <sip:\[::1\]:\d+>/);
    assert.match(result.messages, /c=IN IP6 ::1/);
  });
});
