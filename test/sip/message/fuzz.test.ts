// A bounded random-mutation loop: whatever the bytes, the parser and the framer return, never throw.
import assert from 'node:assert/strict';
import test from 'node:test';

import { parseSipMessage } from '../../../src/sip/message/parse-message.js';
import { serializeSipMessage } from '../../../src/sip/message/serialize-message.js';
import { SipStreamFramer } from '../../../src/sip/message/stream-framer.js';
import { fixture } from './fixture.js';

const SEEDS = [
  'invite.sip',
  'ok-200-invite.sip',
  'ack.sip',
  'bye.sip',
  'register.sip',
  'options.sip',
  'rfc4475/wsinv.sip',
  'rfc4475/intmeth.sip',
  'rfc4475/esc01.sip',
  'rfc4475/unreason.sip',
].map(fixture);

const INTERESTING = [
  0x00, 0x09, 0x0a, 0x0d, 0x20, 0x22, 0x25, 0x2c, 0x2f, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x5b, 0x5c, 0x5d,
  0xff,
];

/** xorshift32: the same mutations on every run, so a failure is reproducible from its iteration number. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

function mutate(src: Buffer, rand: () => number): Buffer {
  const bytes = [...src];
  const edits = 1 + Math.floor(rand() * 8);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (bytes.length + 1));
    const pick = rand();
    const byte = rand() < 0.6 ? INTERESTING[Math.floor(rand() * INTERESTING.length)]! : Math.floor(rand() * 256);
    if (pick < 0.35) bytes[at] = byte;
    else if (pick < 0.6) bytes.splice(at, 0, byte);
    else if (pick < 0.8) bytes.splice(at, 1 + Math.floor(rand() * 16));
    else if (pick < 0.9) bytes.splice(at, 0, ...bytes.slice(Math.floor(rand() * bytes.length)).slice(0, 32));
    else bytes.length = at; // truncation
  }
  return Buffer.from(bytes);
}

test('3000 mutated messages never make the parser, serializer or framer throw', () => {
  const rand = rng(0x5eed1234);
  let accepted = 0;
  for (let i = 0; i < 3000; i++) {
    const input = mutate(SEEDS[i % SEEDS.length]!, rand);
    try {
      const r = parseSipMessage(input);
      if (r.ok) {
        accepted++;
        r.value.contacts();
        const again = parseSipMessage(serializeSipMessage(r.value));
        assert.ok(again.ok, `iteration ${i}: serialized form does not parse: ${again.ok ? '' : again.error}`);
      } else assert.ok(r.error.length > 0);
      const framer = new SipStreamFramer();
      const cut = Math.floor(rand() * input.length);
      framer.push(input.subarray(0, cut));
      framer.push(input.subarray(cut));
    } catch (err) {
      assert.fail(`iteration ${i} threw ${String(err)} on ${JSON.stringify(input.toString('latin1'))}`);
    }
  }
  assert.ok(accepted > 100, `only ${accepted} mutants parsed: the mutations are too destructive to be useful`);
});
