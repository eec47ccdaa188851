// The JSON call log: one pino line per channel created/destroyed, Stasis start/end and SIP dialog start/end, with
// channel_id, call_id and app to correlate them, written while real calls run.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { startApp, type RunningApp } from '../../src/app.js';
import { ari, EventSocket } from '../helpers/ari.js';
import { RtpCall } from '../helpers/rtp-call.js';
import type { TestServer } from '../helpers/server.js';

interface LogLine {
  event?: string;
  channel_id?: string;
  call_id?: string;
  app?: string;
  msg: string;
  [key: string]: unknown;
}

const lines: LogLine[] = [];
let app: RunningApp;
let server: TestServer;

before(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text !== '') lines.push(JSON.parse(text) as LogLine);
      done();
    },
  });
  app = await startApp({ host: '127.0.0.1', port: 0, sipPort: 0, logger: pino({ level: 'info' }, sink) });
  const url = `http://127.0.0.1:${app.port}`;
  server = {
    app,
    url,
    ariBase: `${url}/ari`,
    sip: app.sip.find((t) => t.protocol === 'udp')!,
    auth: 'Basic ' + Buffer.from('asterisk:asterisk').toString('base64'),
    close: () => app.close(),
  };
});

after(async () => {
  await app?.close();
});

async function waitForLine(pred: (l: LogLine) => boolean, what: string): Promise<LogLine> {
  const end = Date.now() + 5000;
  for (;;) {
    const found = lines.find(pred);
    if (found) return found;
    if (Date.now() > end) throw new Error(`no log line for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const about = (id: string): LogLine[] => lines.filter((l) => l.channel_id === id && l.event !== undefined);

test('a Local channel in a Stasis app logs created, Stasis start and end, destroyed with its cause', async () => {
  const events = await EventSocket.open(server, 'logapp');
  try {
    const id = randomUUID();
    assert.equal(
      (await ari(server, 'POST', `/channels?endpoint=Local/park@default&app=logapp&channelId=${id}`)).status,
      200,
    );
    await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === id);
    assert.equal((await ari(server, 'DELETE', `/channels/${id}?reason_code=17`)).status, 204);
    await waitForLine((l) => l.event === 'channel_destroyed' && l.channel_id === id, 'the destroyed channel');
    const mine = about(id);
    assert.deepEqual(
      mine.map((l) => l.event),
      ['channel_created', 'stasis_start', 'stasis_end', 'channel_destroyed'],
    );
    const [created, start, end, destroyed] = mine as [LogLine, LogLine, LogLine, LogLine];
    assert.match(String(created.channel), /^Local\/park@default-[0-9a-f]{8};1$/);
    assert.equal(start.app, 'logapp');
    assert.equal(end.app, 'logapp');
    assert.equal(destroyed.cause, 17);
    assert.equal(destroyed.cause_txt, 'User busy');
    assert.equal(typeof destroyed.duration_ms, 'number');
    assert.equal(created.call_id, undefined, 'a Local channel has no call id');
    for (const l of mine) assert.equal(l.level, 30, 'info');
  } finally {
    events.close();
  }
});

test('a SIP call logs its dialog and its channel with the SIP Call-ID', async () => {
  const call = await RtpCall.dial(server, 'echo');
  let isOpen = true;
  try {
    const created = await waitForLine((l) => l.event === 'channel_created' && l.call_id === call.callId, 'channel');
    await waitForLine((l) => l.event === 'sip_dialog_start' && l.call_id === call.callId, 'dialog start');
    await call.hangup(); // closes the call's sockets
    isOpen = false;
    const destroyed = await waitForLine(
      (l) => l.event === 'channel_destroyed' && l.call_id === call.callId,
      'channel destroyed',
    );
    await waitForLine((l) => l.event === 'sip_dialog_end' && l.call_id === call.callId, 'dialog end');
    assert.equal(destroyed.channel_id, created.channel_id);
    assert.match(String(created.channel), /^PJSIP\//);
    const dialog = lines.find((l) => l.event === 'sip_dialog_start' && l.call_id === call.callId)!;
    assert.equal(dialog.remote_tag, 'rtpcall');
    assert.equal(typeof dialog.local_tag, 'string');
  } finally {
    if (isOpen) call.close();
  }
});
