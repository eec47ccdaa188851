import assert from 'node:assert/strict';
import { test } from 'node:test';
import { qosVariables } from '../../src/channels/pjsip/qos-vars.js';
import { figuresOf, parseQos, RtpTotals, type RtpFigures } from '../../src/metrics/rtp-totals.js';

const figures = (rx: number, tx: number, rxLost = 0, txLost = 0, jitter = 0): RtpFigures => ({
  rxcount: rx,
  txcount: tx,
  rxploss: rxLost,
  txploss: txLost,
  rxjitter: jitter,
  txjitter: jitter / 2,
});

test('the RTPAUDIOQOS text chan_pjsip sets reads back as the stream figures', () => {
  const stats = { rxcount: 497, txcount: 500, rxploss: 3, txploss: 1, rxjitter: 0.00125, txjitter: 0.0005 };
  const [[name, text]] = qosVariables(stats) as [[string, string]];
  assert.equal(name, 'RTPAUDIOQOS');
  assert.deepEqual(parseQos(text), { ...stats });
});

test('a QoS text without counts, or garbage, gives no figures', () => {
  assert.equal(parseQos(''), undefined);
  assert.equal(parseQos('ssrc=1;themssrc=2'), undefined);
  assert.equal(parseQos('rxcount=x;txcount=1'), undefined);
  assert.deepEqual(parseQos('txcount=2;;=;rxcount=3;lp=-1'), {
    txcount: 2,
    rxcount: 3,
    rxploss: -1,
    txploss: 0,
    rxjitter: 0,
    txjitter: 0,
  });
});

test('figuresOf needs both packet counts', () => {
  assert.equal(figuresOf(undefined), undefined);
  assert.equal(figuresOf({ rxcount: 1 }), undefined);
  assert.deepEqual(figuresOf({ rxcount: 1, txcount: 2 }), figures(1, 2));
});

test('totals add live streams to ended ones and never go down when a channel ends', () => {
  const totals = new RtpTotals();
  let r = totals.scrape([
    { id: 'a', figures: figures(100, 90, 2, 1, 0.002) },
    { id: 'b', figures: figures(10, 10, 0, 0, 0.004) },
    { id: 'c', figures: undefined },
  ]);
  assert.deepEqual(r.counts, { rxPackets: 110, txPackets: 100, rxLost: 2, txLost: 1 });
  assert.equal(r.jitter.streams, 2);
  assert.equal(r.jitter.rxMax, 0.004);
  assert.ok(Math.abs(r.jitter.rxMean - 0.003) < 1e-12);
  assert.equal(r.jitter.txMax, 0.002);

  // a ends with its final figures in RTPAUDIOQOS (more than the scrape saw)
  totals.channelEnded('a', 'ssrc=1;lp=3;rxcount=150;txcount=140;rlp=1');
  r = totals.scrape([{ id: 'b', figures: figures(20, 20) }]);
  assert.deepEqual(r.counts, { rxPackets: 170, txPackets: 160, rxLost: 3, txLost: 1 });

  // b vanishes without being reported: its last seen figures stay counted
  r = totals.scrape([]);
  assert.deepEqual(r.counts, { rxPackets: 170, txPackets: 160, rxLost: 3, txLost: 1 });
  assert.deepEqual(r.jitter, { streams: 0, rxMax: 0, rxMean: 0, txMax: 0, txMean: 0 });
  // ... and only once
  totals.channelEnded('b', undefined);
  assert.deepEqual(totals.scrape([]).counts, { rxPackets: 170, txPackets: 160, rxLost: 3, txLost: 1 });
});

test('a channel that ends before any scrape counts its RTPAUDIOQOS figures; one without any counts nothing', () => {
  const totals = new RtpTotals();
  totals.channelEnded('x', 'rxcount=5;txcount=6');
  totals.channelEnded('y', undefined);
  assert.deepEqual(totals.scrape([]).counts, { rxPackets: 5, txPackets: 6, rxLost: 0, txLost: 0 });
});
