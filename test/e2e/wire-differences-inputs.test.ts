/**
 * Inputs Asterisk 22.10.1 accepts where a stricter reading of the documentation would refuse them, checked side
 * by side with the real Asterisk: DTMF strings with characters outside the digit set, `variables` that are not
 * an object in an originate body, and GET /asterisk/variable, which reads names without evaluating functions.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type TestServer } from '../helpers/server.js';
import { ari, type EventSocket } from '../helpers/ari.js';
import { closeAppServer, openAppServer } from '../helpers/app-server.js';

const APP = 'wire-inputs';

let server: TestServer;
let events: EventSocket;

before(async () => ({ server, events } = await openAppServer(APP)));
after(() => closeAppServer(server, events));

/** `Local/park` in the app, its `;2` half already in Wait() (reading, so DTMF it hears is published). */
async function parked(id: string): Promise<void> {
  const made = await ari(server, 'POST', `/channels?endpoint=Local/park@default&app=${APP}&channelId=${id}`);
  assert.equal(made.status, 200, made.text);
  await events.wait(
    (e) => e.type === 'ChannelDialplan' && e.channel?.id === `${id};2` && e.channel.dialplan.app_name === 'Wait',
  );
}

test('sendDTMF accepts any characters; only digits are sent, as given, each at least 100 ms long', async () => {
  await parked('dtmf');
  for (const digits of ['12x', 'Z', '!', ' ', 'WFf', 'e']) {
    const r = await ari(server, 'POST', `/channels/dtmf/dtmf?dtmf=${encodeURIComponent(digits)}&between=1`);
    assert.equal(r.status, 204, `${digits}: ${r.text}`);
  }
  const r = await ari(
    server,
    'POST',
    `/channels/dtmf/dtmf?dtmf=${encodeURIComponent('1a,x!eEf#')}&duration=60&between=1`,
  );
  assert.equal(r.status, 204);
  await events.wait((e) => e.type === 'ChannelDtmfReceived' && e.digit === '#', 15000);
  const heard = events.events.filter((e) => e.type === 'ChannelDtmfReceived' && e.channel?.id === 'dtmf;2');
  // `,`, `e`, `E`, `x`, `!`, ` `, `Z` are skipped; `f`/`F` is a flash (no digit); `a` keeps its case.
  assert.deepEqual(
    heard.map((e) => e.digit),
    ['1', '2', '1', 'a', '#'],
  );
  assert.deepEqual(new Set(heard.map((e) => e.duration_ms)), new Set([100]), 'duration=60 is raised to 100');
  assert.deepEqual((await ari(server, 'POST', '/channels/dtmf/dtmf?dtmf=')).json, { message: 'DTMF is required' });
  assert.equal((await ari(server, 'DELETE', '/channels/dtmf')).status, 204);
});

test('an originate body whose `variables` is not an object is accepted (the member is ignored)', async () => {
  for (const [i, body] of [
    '[]',
    '[1,2]',
    '{"variables":"x"}',
    '{"variables":5}',
    '{"variables":[1]}',
    '{"variables":null}',
  ].entries()) {
    const id = `vars-${i}`;
    const r = await ari(server, 'POST', `/channels?endpoint=Local/park@default&app=${APP}&channelId=${id}`, body, {
      'Content-Type': 'application/json',
    });
    assert.equal(r.status, 200, `${body}: ${r.text}`);
    await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === id);
    assert.equal((await ari(server, 'DELETE', `/channels/${id}`)).status, 204);
  }
  const bad = await ari(server, 'POST', `/channels?endpoint=Local/park@default&app=${APP}`, '"str"', {
    'Content-Type': 'application/json',
  });
  assert.deepEqual([bad.status, bad.json], [400, { message: 'Error parsing request body' }]);
});

test('GET /asterisk/variable reads names, never functions: anything not found is 200 {"value":""}', async () => {
  for (const name of ['LEN()', 'LEN(abc)', 'CHANNEL(name)', 'NOSUCHFUNC()', 'CALLERID(name)', 'nosuchvar', 'CHANNEL']) {
    const r = await ari(server, 'GET', `/asterisk/variable?variable=${encodeURIComponent(name)}`);
    assert.deepEqual([r.status, r.json], [200, { value: '' }], name);
  }
  assert.equal((await ari(server, 'POST', '/asterisk/variable?variable=WIRE_G&value=1')).status, 204);
  assert.deepEqual((await ari(server, 'GET', '/asterisk/variable?variable=WIRE_G')).json, { value: '1' });
  assert.deepEqual((await ari(server, 'GET', '/asterisk/variable?variable=wire_g')).json, { value: '' }, 'exact name');
  const epoch = Number((await ari(server, 'GET', '/asterisk/variable?variable=EPOCH')).json.value);
  assert.ok(Math.abs(epoch - Date.now() / 1000) < 5, `EPOCH ${epoch}`);
  const id = (await ari(server, 'GET', '/asterisk/ping')).json.asterisk_id;
  assert.deepEqual((await ari(server, 'GET', '/asterisk/variable?variable=ENTITYID')).json, { value: id });
});

test('DELETE /channels reason_code is read as sscanf %d reads it: a leading number is enough', async () => {
  await parked('cause');
  const bad = await ari(server, 'DELETE', '/channels/cause?reason_code=abc');
  assert.deepEqual([bad.status, bad.json], [400, { message: 'Invalid reason for hangup reason code provided' }]);
  assert.equal((await ari(server, 'DELETE', '/channels/cause?reason_code=17abc')).status, 204);
  const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === 'cause');
  assert.equal(destroyed.cause, 17);
});

test('setChannelVar answers 204 whatever the function write did; reads word their 404s as Asterisk does', async () => {
  await parked('vars');
  for (const name of ['NOSUCHFUNC()', 'CHANNEL(name)', 'LEN(x)', 'CALLERID(bogus)']) {
    const r = await ari(server, 'POST', `/channels/vars/variable?variable=${encodeURIComponent(name)}&value=x`);
    assert.equal(r.status, 204, `${name}: ${r.text}`);
  }
  const many = await ari(server, 'POST', '/channels/vars/variables', { variables: { 'NOSUCHFUNC()': 'x', KEPT: 'y' } });
  assert.equal(many.status, 204, many.text);
  assert.deepEqual((await ari(server, 'GET', '/channels/vars/variable?variable=KEPT')).json, { value: 'y' });
  assert.deepEqual((await ari(server, 'GET', '/channels/vars/variable?variable=CALLERID(bogus)')).json, { value: '' });
  const missing = await ari(server, 'GET', '/channels/nosuch/variable?variable=A');
  assert.deepEqual([missing.status, missing.json], [404, { message: 'Provided channel was not found' }]);
  assert.equal((await ari(server, 'DELETE', '/channels/vars')).status, 204);
});
