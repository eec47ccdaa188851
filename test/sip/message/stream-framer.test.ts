import assert from 'node:assert/strict';
import test from 'node:test';

import { parseSipMessage } from '../../../src/sip/message/parse-message.js';
import { SipStreamFramer, type StreamFramerOptions } from '../../../src/sip/message/stream-framer.js';
import { fixture } from './fixture.js';

function frameAll(
  chunks: Buffer[],
  options?: StreamFramerOptions,
): { messages: string[]; error?: string; left: number } {
  const framer = new SipStreamFramer(options);
  const messages: string[] = [];
  for (const c of chunks) {
    const r = framer.push(c);
    for (const m of r.messages) messages.push(m.toString('latin1'));
    if (r.error) return { messages, error: r.error.code, left: framer.bufferedBytes };
  }
  return { messages, left: framer.bufferedBytes };
}

const STREAM = fixture('two-messages.sip');

test('a stream of three messages with CRLF keep-alives yields each whole message', () => {
  const r = frameAll([STREAM]);
  assert.equal(r.error, undefined);
  assert.equal(r.left, 0);
  assert.deepEqual(
    r.messages.map((m) => m.toString()),
    ['invite.sip', 'bye.sip', 'options.sip'].map((f) => fixture(f).toString('latin1')),
  );
  for (const m of r.messages) assert.ok(parseSipMessage(Buffer.from(m, 'latin1')).ok);
});

test('a TCP stream split at any byte yields the same messages', () => {
  const whole = frameAll([STREAM]);
  for (let i = 1; i < STREAM.length; i++) {
    assert.deepEqual(frameAll([STREAM.subarray(0, i), STREAM.subarray(i)]), whole, `split at ${i}`);
  }
});

test('a TCP stream delivered one byte at a time yields the same messages', () => {
  const bytes: Buffer[] = [];
  for (let i = 0; i < STREAM.length; i++) bytes.push(STREAM.subarray(i, i + 1));
  assert.deepEqual(frameAll(bytes), frameAll([STREAM]));
});

test('a TCP stream split at every pair of points yields the same messages (sampled)', () => {
  const whole = frameAll([STREAM]);
  for (let i = 1; i < STREAM.length; i += 37) {
    for (let j = i + 1; j < STREAM.length; j += 53) {
      assert.deepEqual(frameAll([STREAM.subarray(0, i), STREAM.subarray(i, j), STREAM.subarray(j)]), whole);
    }
  }
});

test('an incomplete message waits for more bytes', () => {
  const invite = fixture('invite.sip');
  const framer = new SipStreamFramer();
  assert.deepEqual(framer.push(invite.subarray(0, invite.length - 1)).messages, []);
  assert.equal(framer.bufferedBytes, invite.length - 1);
  const r = framer.push(invite.subarray(invite.length - 1));
  assert.deepEqual(r.messages, [invite]);
  assert.equal(framer.bufferedBytes, 0);
});

test('only CRLF keep-alives produce nothing and buffer nothing', () => {
  assert.deepEqual(frameAll([Buffer.from('\r\n\r\n'), Buffer.from('\r\n')]), { messages: [], left: 0 });
});

test('a message without Content-Length is framed with an empty body', () => {
  const text = 'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n';
  assert.deepEqual(frameAll([Buffer.from(text + text)]).messages, [text, text]);
});

test('compact and folded Content-Length frame the body', () => {
  const a = 'MESSAGE sip:a@b SIP/2.0\r\nl: 5\r\n\r\nhello';
  const b = 'MESSAGE sip:a@b SIP/2.0\r\nContent-Length:\r\n 3\r\n\r\nabc';
  assert.deepEqual(frameAll([Buffer.from(a + b)]).messages, [a, b]);
});

test('an endless header section is refused once it passes maxHeaderBytes', () => {
  const r = frameAll([Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n'), Buffer.from('X: ' + 'a'.repeat(2000))], {
    maxHeaderBytes: 1024,
  });
  assert.equal(r.error, 'HEADER_TOO_LARGE');
  assert.equal(r.left, 0);
});

test('a body over maxBodyBytes is refused before it is buffered', () => {
  const r = frameAll([Buffer.from('MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 70000\r\n\r\n')]);
  assert.equal(r.error, 'BODY_TOO_LARGE');
});

test('bad or conflicting Content-Length breaks the stream, and the error sticks', () => {
  assert.equal(
    frameAll([Buffer.from('MESSAGE sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\n')]).error,
    'BAD_CONTENT_LENGTH',
  );
  assert.equal(
    frameAll([Buffer.from('MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\nab')]).error,
    'BAD_CONTENT_LENGTH',
  );
  const framer = new SipStreamFramer();
  assert.ok(framer.push(Buffer.from('X sip:a@b SIP/2.0\r\nl: x\r\n\r\n')).error);
  assert.equal(framer.push(fixture('bye.sip')).error?.code, 'BAD_CONTENT_LENGTH');
});

test('returned messages stay intact while later bytes arrive (views are never written over)', () => {
  const framer = new SipStreamFramer();
  const kept: Buffer[] = [];
  const stream = Buffer.concat([STREAM, STREAM]);
  for (let i = 0; i < stream.length; i += 7) kept.push(...framer.push(stream.subarray(i, i + 7)).messages);
  const expected = ['invite.sip', 'bye.sip', 'options.sip'].map(fixture);
  assert.deepEqual(kept, [...expected, ...expected]);
});

test('a 60 KiB body trickled in 1-byte chunks is framed once, in linear time', () => {
  const body = Buffer.alloc(60000, 0x61);
  const msg = Buffer.concat([Buffer.from(`MESSAGE sip:a@b SIP/2.0\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
  const framer = new SipStreamFramer();
  const out: Buffer[] = [];
  for (let i = 0; i < msg.length; i++) out.push(...framer.push(msg.subarray(i, i + 1)).messages);
  assert.deepEqual(out, [msg]);
});
