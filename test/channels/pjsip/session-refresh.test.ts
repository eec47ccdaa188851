import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSessionExpires, SessionRefresher } from '../../../src/channels/pjsip/session-refresh.js';
import type { SipSession } from '../../../src/channels/pjsip/sip-session.js';

test('Session-Expires values: seconds and refresher (RFC 4028 §4); broken ones are ignored', () => {
  assert.deepEqual(parseSessionExpires('1800;refresher=uac'), { seconds: 1800, refresher: 'uac' });
  assert.deepEqual(parseSessionExpires(' 90 ; refresher = UAS'), { seconds: 90, refresher: 'uas' });
  assert.deepEqual(parseSessionExpires('600'), { seconds: 600 });
  assert.deepEqual(parseSessionExpires('600;refresher=proxy'), { seconds: 600 });
  assert.equal(parseSessionExpires(undefined), undefined);
  assert.equal(parseSessionExpires('soon'), undefined);
  assert.equal(parseSessionExpires('0'), undefined);
});

test('the refresher re-INVITEs every half interval with the current direction, and stops', async () => {
  const sent: Array<{ method: string; body: string; headers: ReadonlyArray<readonly [string, string]> }> = [];
  const fake = {
    isTerminated: false,
    localDirection: 'sendonly',
    media: { reoffer: (d: string) => `sdp ${d}` },
    dialog: { localSeq: 10 },
    contact: () => '<sip:127.0.0.1:5060>',
    reinvite: { busy: false, next: undefined },
    destination: () => undefined,
    sendInDialog: (
      method: string,
      headers: ReadonlyArray<readonly [string, string]>,
      body: Buffer,
      _type: string,
      onResponse: (res: { status: number; body: Buffer }) => void,
    ) => {
      sent.push({ method, body: body.toString(), headers });
      onResponse({ status: 200, body: Buffer.alloc(0) }); // the peer answers at once
    },
  } as unknown as SipSession;
  const r = new SessionRefresher(fake);
  r.start(0.1); // every 50 ms
  await new Promise((res) => setTimeout(res, 320)); // a loaded machine fires timers late: margin
  r.stop();
  const count = sent.length;
  assert.ok(count >= 2, `refreshes: ${count}`);
  assert.ok(sent.every((m) => m.method === 'INVITE' && m.body === 'sdp sendonly'));
  assert.ok(sent[0]!.headers.some(([n, v]) => n === 'Session-Expires' && v === '0.1'));
  await new Promise((res) => setTimeout(res, 120));
  assert.equal(sent.length, count, 'no refresh after stop');
});

test('the expiry watch ends a session whose refresher went quiet, a refresh postpones it', async () => {
  const { SessionExpiry } = await import('../../../src/channels/pjsip/session-refresh.js');
  const expired: number[] = [];
  const started = Date.now();
  const e = new SessionExpiry();
  e.start(0.3, () => expired.push(Date.now() - started)); // fires at 0.3 s − 0.1 s
  await new Promise((r) => setTimeout(r, 120));
  e.touch(); // a re-INVITE came: 200 ms more from now
  await new Promise((r) => setTimeout(r, 150));
  assert.deepEqual(expired, [], 'postponed by the refresh');
  for (let i = 0; i < 50 && expired.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(expired.length, 1);
  assert.ok(expired[0]! >= 300, `expired after ${expired[0]} ms`);
  e.stop();
  e.touch(); // after stop, a touch does not re-arm it
  await new Promise((r) => setTimeout(r, 250));
  assert.equal(expired.length, 1);
});

test('no second re-INVITE while one is in progress (RFC 3261 §14.1): the latest waits for the first to end', async () => {
  const { sendReinvite } = await import('../../../src/channels/pjsip/session-refresh.js');
  const pending: Array<(res: { status: number; body: Buffer }) => void> = [];
  const bodies: string[] = [];
  const fake = {
    isTerminated: false,
    localDirection: 'sendrecv',
    media: { reoffer: (d: string) => d, acceptAnswer: () => true },
    dialog: { localSeq: 1 },
    contact: () => '<sip:127.0.0.1:5060>',
    reinvite: { busy: false, next: undefined },
    destination: () => undefined,
    sendInDialog: (
      _m: string,
      _h: unknown,
      body: Buffer,
      _t: string,
      onResponse: (res: { status: number; body: Buffer }) => void,
    ) => {
      bodies.push(body.toString());
      pending.push(onResponse);
    },
  } as unknown as SipSession & { localDirection: string };
  sendReinvite(fake, 'sendonly', 1800);
  fake.localDirection = 'sendrecv';
  sendReinvite(fake, 'sendrecv', 1800);
  sendReinvite(fake, 'sendrecv', 1800);
  assert.deepEqual(bodies, ['sendonly'], 'the others wait');
  pending.shift()!({ status: 200, body: Buffer.alloc(0) });
  assert.deepEqual(bodies, ['sendonly', 'sendrecv'], 'only the latest waiting one goes');
  pending.shift()!({ status: 200, body: Buffer.alloc(0) });
  assert.equal(bodies.length, 2);
});
