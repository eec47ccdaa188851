import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConf } from '../../src/config/conf-parser.js';
import { embeddedConfigDir } from '../../src/config/load-config.js';
import { RTP_DEFAULTS, parseRtpConfig } from '../../src/config/rtp-config.js';

const parse = (text: string) => parseRtpConfig(parseConf(text, { file: 'rtp.conf' }));

test('the embedded rtp.conf uses 10000–20000 and the other defaults', () => {
  const { config, errors } = parse(readFileSync(join(embeddedConfigDir(), 'rtp.conf'), 'utf8'));
  assert.deepEqual(errors, []);
  assert.deepEqual(config, { ...RTP_DEFAULTS, rtpStart: 10000, rtpEnd: 20000 });
});

test('no file: the built-in 5000–31000, RTCP every 5 s, strict RTP with probation 4, 150 ms DTMF timeout', () => {
  assert.deepEqual(parse('').config, {
    rtpStart: 5000,
    rtpEnd: 31000,
    rtcpInterval: 5000,
    strictRtp: true,
    probation: 4,
    dtmfTimeout: 150,
  });
});

test('options are read from [general] only; dtmftimeout is in 8 kHz samples', () => {
  const { config, errors } = parse(
    '[general]\nrtpstart=30000\nrtpend=31999\nstrictrtp=no\nprobation=8\ndtmftimeout=3000\nicesupport=yes\n[other]\nrtpstart=2\n', // prettier-ignore
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(config, { ...RTP_DEFAULTS, rtpStart: 30000, rtpEnd: 31999, strictRtp: false, probation: 8, dtmfTimeout: 375 }); // prettier-ignore
  assert.equal(parse('[general]\nstrictrtp=seqno\n').config.strictRtp, true);
});

test('rtcpinterval is clamped to 500–60000 ms, and 0 turns RTCP off', () => {
  const interval = (v: string) => parse(`[general]\nrtcpinterval=${v}\n`).config.rtcpInterval;
  assert.equal(interval('100'), 500);
  assert.equal(interval('70000'), 60000);
  assert.equal(interval('2500'), 2500);
  assert.equal(interval('0'), 0);
});

test('ports are clamped to 1024–65535; start ≥ end falls back to the defaults with an error', () => {
  assert.equal(parse('[general]\nrtpstart=100\n').config.rtpStart, 1024);
  const { config, errors } = parse('[general]\nrtpstart=20000\nrtpend=10000\n');
  assert.deepEqual([config.rtpStart, config.rtpEnd], [5000, 31000]);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.line, 3);
});

test('bad numbers keep the default and are reported', () => {
  const { config, errors } = parse('[general]\nrtpstart=low\nprobation=-1\ndtmftimeout=x\nrtcpinterval=fast\n');
  assert.deepEqual(config, RTP_DEFAULTS);
  assert.deepEqual(errors.map((e) => e.line), [2, 3, 4, 5]); // prettier-ignore
});
