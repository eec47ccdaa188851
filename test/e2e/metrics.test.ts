// GET /metrics scraped while real calls run: Local channels originated over ARI into a Stasis app, a SIP caller
// with RTP into Echo(), a retransmitted SIP request; the figures must move with them and come back down after.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { ari, EventSocket } from '../helpers/ari.js';
import { sine } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';
import { has, parseExposition, sum, type Sample } from '../metrics/prometheus-text.js';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});

after(async () => {
  await server?.close();
});

async function scrape(s: TestServer = server, auth: string | undefined = s.auth): Promise<Sample[]> {
  const r = await fetch(`${s.url}/metrics`, { headers: auth === undefined ? {} : { Authorization: auth } });
  assert.equal(r.status, 200, await r.clone().text());
  assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseExposition(await r.text());
}

/** Scrape until `ok` holds (the RTP edges refresh their statistics every 250 ms). */
async function scrapeUntil(ok: (m: Sample[]) => boolean, what: string, ms = 5000): Promise<Sample[]> {
  const end = Date.now() + ms;
  for (;;) {
    const m = await scrape();
    if (ok(m)) return m;
    if (Date.now() > end) throw new Error(`metrics never showed ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('GET /metrics', () => {
  test('asks for an ari.conf user like ARI does, by Basic auth or api_key', async () => {
    const anonymous = await fetch(`${server.url}/metrics`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic realm=/);
    const wrong = await fetch(`${server.url}/metrics`, {
      headers: { Authorization: 'Basic ' + Buffer.from('asterisk:nope').toString('base64') },
    });
    assert.equal(wrong.status, 401);
    const byKey = await fetch(`${server.url}/metrics?api_key=asterisk:asterisk`);
    assert.equal(byKey.status, 200);
    assert.match(await byKey.text(), /^# HELP /m);
    const post = await fetch(`${server.url}/metrics`, { method: 'POST', headers: { Authorization: server.auth } });
    assert.equal(post.status, 405);
  });

  test('shows the process figures and the version', async () => {
    const m = await scrape();
    assert.ok(sum(m, 'nodejs_heap_size_used_bytes') > 0);
    assert.ok(has(m, 'nodejs_eventloop_lag_seconds'));
    assert.ok(has(m, 'nodejs_eventloop_lag_p99_seconds'));
    assert.ok(sum(m, 'process_resident_memory_bytes') > 0);
    assert.equal(m.find((s) => s.name === 'switchyard_info')?.value, 1);
  });

  test('channels, bridges, Stasis apps and their counters move with Local channels originated over ARI', async () => {
    const app = 'metrics-local';
    const events = await EventSocket.open(server, app);
    try {
      const before = await scrape();
      assert.equal(sum(before, 'switchyard_channels', { tech: 'Local' }), 0);
      assert.ok(sum(before, 'switchyard_ari_websockets') >= 1);
      assert.ok(sum(before, 'switchyard_stasis_apps', { state: 'active' }) >= 1);
      const ids = [1, 2, 3].map(() => randomUUID());
      for (const id of ids) {
        const r = await ari(server, 'POST', `/channels?endpoint=Local/park@default&app=${app}&channelId=${id}`);
        assert.equal(r.status, 200, r.text);
      }
      for (const id of ids) await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === id);
      const bridge = await ari(server, 'POST', '/bridges?type=mixing');
      assert.equal(bridge.status, 200, bridge.text);

      const during = await scrape();
      // each originate is a Local pair: ;1 in the app, ;2 running park@default
      assert.equal(sum(during, 'switchyard_channels', { tech: 'Local' }), 6);
      assert.equal(sum(during, 'switchyard_channels_created_total', { tech: 'Local' }), 6);
      assert.equal(sum(during, 'switchyard_stasis_channels', { app }), 3);
      assert.equal(sum(during, 'switchyard_stasis_starts_total', { app }), 3);
      assert.equal(sum(during, 'switchyard_bridges', { type: 'mixing', technology: 'simple_bridge' }), 1);
      assert.ok(has(during, 'switchyard_ari_events_queued', { app }));
      assert.ok(has(during, 'switchyard_ari_websocket_write_lag_seconds', { app }));

      for (const id of ids) assert.equal((await ari(server, 'DELETE', `/channels/${id}`)).status, 204);
      for (const id of ids) await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === id);
      assert.equal((await ari(server, 'DELETE', `/bridges/${bridge.json.id}`)).status, 204);
      const done = await scrapeUntil(
        (m) => sum(m, 'switchyard_channels', { tech: 'Local' }) === 0,
        'the Local channels gone',
      );
      // the series stay, at zero, rather than vanish
      assert.ok(has(done, 'switchyard_channels', { tech: 'Local' }));
      assert.equal(sum(done, 'switchyard_bridges', { type: 'mixing' }), 0);
      assert.equal(sum(done, 'switchyard_stasis_channels', { app }), 0);
      assert.equal(sum(done, 'switchyard_channels_destroyed_total', { tech: 'Local' }), 6);
      assert.equal(sum(done, 'switchyard_channels_destroyed_total', { tech: 'Local', cause: '16' }), 6);
      assert.equal(sum(done, 'switchyard_channels_created_total', { tech: 'Local' }), 6, 'counters stay');
    } finally {
      events.close();
    }
  });

  test('a SIP call with RTP moves the SIP, channel and RTP figures; the counters keep them after the hangup', async () => {
    const before = await scrape();
    const rxBefore = sum(before, 'switchyard_rtp_packets_total', { direction: 'rx' });
    const invitesBefore = sum(before, 'switchyard_sip_transactions_total', { role: 'server', method: 'INVITE' });
    const call = await RtpCall.dial(server, 'echo');
    let isOpen = true;
    try {
      const SECOND = 8000;
      await call.sendAudio(sine(1000, SECOND));
      await call.waitForPackets(40);
      const during = await scrapeUntil(
        (m) => sum(m, 'switchyard_rtp_packets_total', { direction: 'rx' }) - rxBefore >= 45,
        '45 RTP packets received',
      );
      assert.equal(sum(during, 'switchyard_channels', { tech: 'PJSIP', state: 'Up' }), 1);
      assert.equal(
        sum(during, 'switchyard_sip_transactions_total', { role: 'server', method: 'INVITE' }),
        invitesBefore + 1,
      );
      assert.ok(sum(during, 'switchyard_sip_dialogs') >= 1);
      assert.ok(sum(during, 'switchyard_rtp_streams') >= 1);
      assert.ok(sum(during, 'switchyard_rtp_packets_total', { direction: 'tx' }) >= 40);
      assert.ok(has(during, 'switchyard_rtp_jitter_seconds', { direction: 'rx', stat: 'max' }));
      assert.ok(has(during, 'switchyard_rtp_packets_lost_total', { direction: 'rx' }));

      await call.hangup(); // closes the call's sockets
      isOpen = false;
      const done = await scrapeUntil((m) => sum(m, 'switchyard_channels', { tech: 'PJSIP' }) === 0, 'the call gone');
      assert.equal(sum(done, 'switchyard_sip_dialogs'), 0);
      assert.ok(sum(done, 'switchyard_sip_transactions_total', { role: 'server', method: 'BYE' }) >= 1);
      // The call's final figures (its RTPAUDIOQOS) are kept: never fewer than a scrape saw while it ran. They come
      // from the statistics slot the RTP edge rewrites every 250 ms, so the last packets may not be in them.
      const rx = sum(done, 'switchyard_rtp_packets_total', { direction: 'rx' });
      assert.ok(rx - rxBefore >= 45 && rx - rxBefore <= 50, `rx ${rx - rxBefore}`);
      assert.ok(rx >= sum(during, 'switchyard_rtp_packets_total', { direction: 'rx' }));
      assert.equal(sum(done, 'switchyard_rtp_streams'), 0);
      assert.equal(sum(done, 'switchyard_channels_destroyed_total', { tech: 'PJSIP' }), 1);
    } finally {
      if (isOpen) call.close();
    }
  });

  test('a SIP request sent twice is answered twice, and the second answer is counted as a retransmission', async () => {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    const answers: string[] = [];
    sock.on('message', (b) => answers.push(b.toString('latin1')));
    try {
      const me = sock.address().port;
      const options =
        `OPTIONS sip:127.0.0.1:${server.sip.port} SIP/2.0\r\n` +
        `Via: SIP/2.0/UDP 127.0.0.1:${me};branch=z9hG4bK${randomUUID()};rport\r\n` +
        `From: <sip:probe@127.0.0.1>;tag=p1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: ${randomUUID()}\r\n` +
        'CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n';
      const before = sum(await scrape(), 'switchyard_sip_retransmissions_total', {
        message: 'response',
        method: 'OPTIONS',
      });
      sock.send(options, server.sip.port, '127.0.0.1');
      const end = Date.now() + 5000;
      while (answers.length < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      sock.send(options, server.sip.port, '127.0.0.1'); // the same branch: a retransmission (RFC 3261 §17.2.2)
      while (answers.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      assert.equal(answers.length, 2);
      assert.equal(answers[1], answers[0]);
      const after = await scrape();
      assert.equal(
        sum(after, 'switchyard_sip_retransmissions_total', { message: 'response', method: 'OPTIONS' }),
        before + 1,
      );
    } finally {
      sock.close();
    }
  });
});

describe('http.conf metrics options', () => {
  test('metrics_auth = no serves the metrics to anyone who reaches the listener', async () => {
    const open = await startTestServer({ 'ari.conf': ARI_CONF, 'http.conf': '[general]\nmetrics_auth = no\n' });
    try {
      const m = await scrape(open, undefined);
      assert.ok(has(m, 'switchyard_channels_created_total') || has(m, 'switchyard_info'));
      // ARI itself still asks for credentials
      assert.equal((await fetch(`${open.ariBase}/channels`)).status, 401);
    } finally {
      await open.close();
    }
  });

  test('metrics_enabled = no leaves /metrics unknown (404)', async () => {
    const off = await startTestServer({ 'ari.conf': ARI_CONF, 'http.conf': '[general]\nmetrics_enabled = no\n' });
    try {
      const r = await fetch(`${off.url}/metrics`, { headers: { Authorization: off.auth } });
      assert.equal(r.status, 404);
    } finally {
      await off.close();
    }
  });
});
