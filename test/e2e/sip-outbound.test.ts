// Calls Switchyard places to a real SIP peer (sipp as UAS), driven over ARI (sip-reference §2.2, §3.4, §4.3, §4.8).
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { ari, EventSocket, type AriEvent } from '../helpers/ari.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { freeUdpPort, killAllSipp, sippAvailable, startSipp } from '../helpers/sipp.js';

const skip = sippAvailable() ? false : 'sipp not installed (Debian package sip-tester)';

let server: TestServer;
let events: EventSocket;

before(async () => {
  if (skip) return;
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => s,1,Hangup()\n',
    'pjsip.conf':
      EMBEDDED_PJSIP +
      '\n[trunk]\ntype=endpoint\ncontext=default\nallow=ulaw\noutbound_auth=trunk-auth\n' +
      '[trunk-auth]\ntype=auth\nusername=trunk\npassword=trunk-secret\n' +
      '[holder]\ntype=endpoint\ncontext=default\nallow=ulaw\nmoh_passthrough=yes\n',
    'rtp.conf': '[general]\nrtpstart=23000\nrtpend=24999\n',
  });
  events = await EventSocket.open(server, 'out');
});

after(async () => {
  killAllSipp();
  events?.close();
  await server?.close();
});

const typed = (id: string, type: string) => (e: AriEvent) => e.type === type && e.channel?.id === id;
const dialOf = (id: string) => (e: AriEvent) => e.type === 'Dial' && e.peer?.id === id;

async function originate(port: number, extra = ''): Promise<{ id: string; protocol_id: string; state: string }> {
  const endpoint = encodeURIComponent(`PJSIP/sip:uas@127.0.0.1:${port}`);
  const r = await ari(server, 'POST', `/channels?endpoint=${endpoint}&app=out&callerId=Bob%20%3C5551234%3E${extra}`);
  assert.equal(r.status, 200, r.text);
  return r.json as { id: string; protocol_id: string; state: string };
}

describe('outbound SIP calls', { skip }, () => {
  test('answered: Ringing → Up, Dial RINGING/ANSWER, StasisStart, audio in, BYE with Reason on hangup', async () => {
    const sipp = await startSipp({ scenario: 'uas-answer', localPort: await freeUdpPort(), vars: { holdms: '15000' } });
    await sipp.ready;
    const ch = await originate(sipp.port);
    assert.equal(ch.state, 'Down');
    assert.match(ch.protocol_id, /^[0-9a-f-]{36}$/);
    await events.wait(typed(ch.id, 'StasisStart'), 8000);
    const seen = events.events.filter((e) => e.channel?.id === ch.id || e.peer?.id === ch.id);
    const states = seen.filter((e) => e.type === 'ChannelStateChange').map((e) => e.channel!.state);
    assert.deepEqual(states, ['Ringing', 'Up']);
    const dials = events.events.filter(dialOf(ch.id)).map((e) => e.dialstatus as string);
    assert.deepEqual(dials, ['', 'RINGING', 'ANSWER']);
    let rx = 0;
    for (let i = 0; i < 30 && rx < 10; i++) {
      await new Promise((r) => setTimeout(r, 100));
      rx = ((await ari(server, 'GET', `/channels/${ch.id}/rtp_statistics`)).json as { rxcount: number }).rxcount;
    }
    assert.ok(rx >= 10, `RTP received ${rx}`);
    await ari(server, 'DELETE', `/channels/${ch.id}`);
    const destroyed = await events.wait(typed(ch.id, 'ChannelDestroyed'));
    assert.equal(destroyed.cause, 16);
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
    assert.match(result.messages, /INVITE sip:uas@127\.0\.0\.1:\d+ SIP\/2\.0/);
    assert.match(result.messages, /From: "Bob" <sip:5551234@127\.0\.0\.1>;tag=/);
    assert.match(result.messages, /BYE sip:[^\r\n]*\r?\n[\s\S]*Reason: Q\.850;cause=16/);
  });

  test('486 Busy Here: hard hangup 17/486, Dial BUSY, ChannelDestroyed, no StasisStart', async () => {
    const sipp = await startSipp({ scenario: 'uas-busy', localPort: await freeUdpPort() });
    await sipp.ready;
    const ch = await originate(sipp.port);
    const destroyed = await events.wait(typed(ch.id, 'ChannelDestroyed'), 8000);
    assert.equal(destroyed.cause, 17);
    assert.equal(destroyed.tech_cause, 486);
    const req = events.events.find(typed(ch.id, 'ChannelHangupRequest'))!;
    assert.deepEqual([req.cause, req.tech_cause, req.soft], [17, 486, undefined]);
    assert.deepEqual(
      events.events.filter(dialOf(ch.id)).map((e) => e.dialstatus),
      ['', 'BUSY'],
    );
    assert.equal(events.events.filter(typed(ch.id, 'StasisStart')).length, 0);
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
  });

  test('hangup while ringing: CANCEL with Reason after the 180, Dial NOANSWER', async () => {
    const sipp = await startSipp({ scenario: 'uas-ring', localPort: await freeUdpPort() });
    await sipp.ready;
    const ch = await originate(sipp.port);
    await events.wait(typed(ch.id, 'ChannelStateChange'), 8000);
    await ari(server, 'DELETE', `/channels/${ch.id}`);
    await events.wait(typed(ch.id, 'ChannelDestroyed'));
    assert.deepEqual(
      events.events.filter(dialOf(ch.id)).map((e) => e.dialstatus),
      ['', 'RINGING', 'NOANSWER'],
    );
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
    assert.match(result.messages, /CANCEL sip:uas@[\s\S]*Reason: Q\.850;cause=16/);
  });

  test('originate timeout: only ChannelDestroyed 19 / 480', async () => {
    const sipp = await startSipp({ scenario: 'uas-ring', localPort: await freeUdpPort() });
    await sipp.ready;
    const ch = await originate(sipp.port, '&timeout=1');
    const destroyed = await events.wait(typed(ch.id, 'ChannelDestroyed'), 8000);
    assert.equal(destroyed.cause, 19);
    assert.equal(destroyed.tech_cause, 480);
    assert.equal(events.events.filter(typed(ch.id, 'ChannelHangupRequest')).length, 0);
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
  });

  test('sendDTMF: RFC 4733 per digit — 2 begin packets, 3 end packets with duration ms×8', async () => {
    const media: Socket = createSocket('udp4');
    const packets: Buffer[] = [];
    media.on('message', (b) => packets.push(b));
    await new Promise<void>((r) => media.bind(0, '127.0.0.1', r));
    const sipp = await startSipp({
      scenario: 'uas-answer',
      localPort: await freeUdpPort(),
      vars: { holdms: '15000' },
      keys: { sdp_port: String(media.address().port) },
    });
    await sipp.ready;
    const ch = await originate(sipp.port);
    await events.wait(typed(ch.id, 'StasisStart'), 8000);
    const r = await ari(server, 'POST', `/channels/${ch.id}/dtmf?dtmf=1%23&duration=200&between=100`);
    assert.equal(r.status, 204);
    // Two digits of 200 ms 100 ms apart; the wait leaves room for a loaded machine.
    for (let i = 0; i < 40 && packets.filter((p) => (p[13]! & 0x80) !== 0).length < 6; i++) {
      await new Promise((res) => setTimeout(res, 50));
    }
    await ari(server, 'DELETE', `/channels/${ch.id}`);
    media.close();
    const events4733 = packets.filter((p) => (p[1]! & 0x7f) === 101);
    const digits = events4733.map((p) => p[12]);
    assert.deepEqual([...new Set(digits)], [1, 11]);
    for (const event of [1, 11]) {
      const mine = events4733.filter((p) => p[12] === event);
      const ends = mine.filter((p) => (p[13]! & 0x80) !== 0);
      assert.equal(ends.length, 3, `end packets for ${event}`);
      assert.ok(ends.every((p) => p.readUInt16BE(14) === 1600));
      assert.equal((mine[0]![1]! & 0x80) !== 0, true, 'marker on the first packet');
      assert.deepEqual(
        mine.slice(0, 2).map((p) => p.readUInt16BE(14)),
        [160, 320],
      );
    }
    await sipp.done;
  });

  test('outbound_auth: a 401 from the far end is answered with digest credentials, the call is answered', async () => {
    const sipp = await startSipp({ scenario: 'uas-auth', localPort: await freeUdpPort() });
    await sipp.ready;
    const endpoint = encodeURIComponent(`PJSIP/trunk/sip:uas@127.0.0.1:${sipp.port}`);
    const ch = (await ari(server, 'POST', `/channels?endpoint=${endpoint}&app=out`)).json as { id: string };
    await events.wait(typed(ch.id, 'StasisStart'), 8000);
    await ari(server, 'DELETE', `/channels/${ch.id}`);
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
    assert.match(result.messages, /Authorization: Digest username="trunk", realm="farend"/);
  });

  test('create then dial: the channel waits Down in Stasis, /dial sends the INVITE, Ringing → Up', async () => {
    // sipp hangs up itself: a BYE of ours right after its ACK can reach it before it is ready for one.
    const vars = { hangup: 'uas', holdms: '300' };
    const sipp = await startSipp({ scenario: 'uas-answer', localPort: await freeUdpPort(), vars });
    await sipp.ready;
    const endpoint = encodeURIComponent(`PJSIP/sip:uas@127.0.0.1:${sipp.port}`);
    const made = await ari(server, 'POST', `/channels/create?endpoint=${endpoint}&app=out`);
    assert.equal(made.status, 200, made.text);
    const id = (made.json as { id: string }).id;
    const start = await events.wait(typed(id, 'StasisStart'), 8000);
    assert.equal(start.channel!.state, 'Down');
    assert.equal((await ari(server, 'POST', `/channels/${id}/dial?timeout=10`)).status, 204);
    await events.wait((e) => typed(id, 'ChannelStateChange')(e) && e.channel!.state === 'Up', 8000);
    await events.wait(typed(id, 'ChannelHangupRequest'), 8000);
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
  });

  test('ARI hold/unhold with moh_passthrough=yes: re-INVITE sendonly, then sendrecv, no ChannelHold event', async () => {
    const sipp = await startSipp({ scenario: 'uas-hold', localPort: await freeUdpPort() });
    await sipp.ready;
    const endpoint = encodeURIComponent(`PJSIP/holder/sip:uas@127.0.0.1:${sipp.port}`);
    const ch = (await ari(server, 'POST', `/channels?endpoint=${endpoint}&app=out`)).json as { id: string };
    await events.wait(typed(ch.id, 'StasisStart'), 8000);
    assert.equal((await ari(server, 'POST', `/channels/${ch.id}/hold`)).status, 204);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await ari(server, 'DELETE', `/channels/${ch.id}/hold`)).status, 204);
    await new Promise((r) => setTimeout(r, 300));
    await ari(server, 'DELETE', `/channels/${ch.id}`);
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
    assert.equal(events.events.filter(typed(ch.id, 'ChannelHold')).length, 0);
    assert.match(result.messages, /Session-Expires: 1800/);
  });
});
