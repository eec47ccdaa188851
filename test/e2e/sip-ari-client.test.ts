/**
 * The real npm `ari-client` drives real SIP calls (sipp) through the Channels operations: ring, progress,
 * answer, variables and PJSIP functions, mute, hold, DTMF, RTP statistics, redirect and hangup.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { ari as rawAri } from '../helpers/ari.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { freeUdpPort, killAllSipp, sipStartLines, sippAvailable, startSipp } from '../helpers/sipp.js';

const require = createRequire(import.meta.url);
const ari = require('ari-client') as { connect(url: string, user: string, pass: string): Promise<any> };
const skip = sippAvailable() ? false : 'sipp not installed (Debian package sip-tester)';

let server: TestServer;
let client: any;

function nextEvent(type: string, pred: (e: any) => boolean = () => true, ms = 8000): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.removeListener(type, listener);
      reject(new Error(`no ${type} within ${ms} ms`));
    }, ms);
    const listener = (...args: any[]): void => {
      if (!pred(args[0])) return;
      clearTimeout(timer);
      client.removeListener(type, listener);
      resolve(args);
    };
    client.on(type, listener);
  });
}

before(async () => {
  if (skip) return;
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => app,1,Stasis(sy)\n same => n,Hangup()\n',
    'pjsip.conf': EMBEDDED_PJSIP,
    'rtp.conf': '[general]\nrtpstart=25000\nrtpend=25999\n',
  });
  client = await ari.connect(server.url, 'asterisk', 'asterisk');
  await client.start('sy');
});

after(async () => {
  killAllSipp();
  client?.stop();
  await server?.close();
});

describe('ari-client on SIP calls', { skip }, () => {
  test('inbound: ring, progress, answer, PJSIP functions, mute, hold, DTMF, RTP statistics, hangup', async () => {
    const started = nextEvent('StasisStart');
    const sipp = await startSipp({
      scenario: 'uac-call',
      remote: `127.0.0.1:${server.sip.port}`,
      service: 'app',
      vars: { hangup: 'uas' },
    });
    const [, channel] = await started;
    assert.equal(channel.state, 'Ring');
    await channel.ring();
    await channel.ringStop();
    await channel.progress();
    const up = nextEvent('ChannelStateChange', (e) => e.channel.id === channel.id && e.channel.state === 'Up');
    await channel.answer();
    await up;

    const callId = await channel.getChannelVar({ variable: 'CHANNEL(pjsip,call-id)' });
    assert.equal(callId.value, channel.protocol_id);
    assert.equal((await channel.getChannelVar({ variable: 'PJSIP_HEADER(read,Subject)' })).value, 'uac-call');
    const missing = await rawAri(
      server,
      'GET',
      `/channels/${channel.id}/variable?variable=PJSIP_HEADER(read,X-Missing)`,
    );
    assert.equal(missing.status, 500);
    assert.deepEqual(missing.json, { message: 'Unable to read provided function' });
    assert.equal((await channel.getChannelVar({ variable: 'SIPDOMAIN' })).value, '127.0.0.1');
    assert.equal((await channel.getChannelVar({ variable: 'CHANNEL(endpoint)' })).value, 'anonymous');
    assert.equal((await channel.getChannelVar({ variable: 'PJSIP_DTMF_MODE()' })).value, 'rfc4733');
    assert.match((await channel.getChannelVar({ variable: 'CHANNEL(rtp,dest)' })).value, /^127\.0\.0\.1:\d+$/);
    await channel.setChannelVar({ variable: 'GREETING', value: 'hello' });
    assert.equal((await channel.getChannelVar({ variable: 'GREETING' })).value, 'hello');

    await channel.mute({ direction: 'both' });
    await channel.unmute({ direction: 'both' });
    await channel.hold();
    await channel.unhold();
    await channel.sendDTMF({ dtmf: '12', duration: 100 });
    await new Promise((r) => setTimeout(r, 600));
    const stats = await client.channels.rtpstatistics({ channelId: channel.id });
    assert.equal(stats.channel_uniqueid, channel.id);
    assert.ok(stats.rxcount > 0, `rxcount ${stats.rxcount}`);
    assert.ok(stats.txcount > 0, `txcount ${stats.txcount} (DTMF events)`);

    const ended = nextEvent('StasisEnd', (e) => e.channel.id === channel.id);
    await channel.hangup();
    await ended;
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
    const lines = sipStartLines(result.messages);
    for (const l of ['180', '183', '200', 'BYE']) assert.ok(lines.includes(l), `${l} in ${lines.join(' ')}`);
  });

  test('inbound: redirect of a ringing call sends 302 to the new URI', async () => {
    const started = nextEvent('StasisStart');
    const sipp = await startSipp({
      scenario: 'uac-expect-busy',
      remote: `127.0.0.1:${server.sip.port}`,
      service: 'app',
    });
    const [, channel] = await started;
    await client.channels.redirect({ channelId: channel.id, endpoint: 'PJSIP/sip:bob@127.0.0.1:5099' });
    const result = await sipp.done;
    assert.match(result.messages, /SIP\/2\.0 302 Moved Temporarily[\s\S]*Contact: <sip:bob@127\.0\.0\.1:5099>/);
  });

  test('outbound: originate PJSIP/sip:… with a PJSIP_HEADER variable, answer, hangup', async () => {
    const sipp = await startSipp({ scenario: 'uas-answer', localPort: await freeUdpPort(), vars: { holdms: '15000' } });
    await sipp.ready;
    const started = nextEvent('StasisStart');
    const channel = await client.channels.originate({
      endpoint: `PJSIP/sip:uas@127.0.0.1:${sipp.port}`,
      app: 'sy',
      variables: { 'PJSIP_HEADER(add,X-Trace)': 'abc123' },
    });
    assert.equal(channel.state, 'Down');
    const [event] = await started;
    assert.equal(event.channel.state, 'Up');
    await client.channels.hangup({ channelId: channel.id });
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
    assert.match(result.messages, /X-Trace: abc123/);
  });
});
