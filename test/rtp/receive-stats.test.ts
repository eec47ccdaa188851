import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReceiveStats, type RtpReceiveStat } from '../../src/rtp/receive-stats.js';
import { createReportBlock } from '../../src/rtp/rtcp/report-block.js';

/** Feeds packets 20 ms apart, arriving exactly on time unless `arrivals` says otherwise. */
function feed(stats: ReceiveStats, seqs: number[], arrivals?: number[]): boolean[] {
  return seqs.map((seq, i) => stats.update(seq, (seq * 160) >>> 0, arrivals?.[i] ?? (seq * 160 + 5000) | 0, 160));
}

const stat = (): RtpReceiveStat => ({
  rxcount: 0,
  rxoctetcount: 0,
  rxploss: 0,
  rxjitter: 0,
  local_maxjitter: 0,
  local_minjitter: 0,
});

test('A.1 probation: the first packet is held back, the second in sequence validates the source', () => {
  const s = new ReceiveStats();
  assert.deepEqual(feed(s, [100, 101, 102, 103, 104]), [false, true, true, true, true]);
  assert.equal(s.received, 4);
  assert.equal(s.expected, 4);
  assert.equal(s.cumulativeLost, 0);
  assert.equal(s.extendedHighestSeq, 104);
  assert.equal(s.rtpStat(stat()).rxcount, 5, 'rxcount counts every packet, as Asterisk');
  assert.equal(s.rtpStat(stat()).rxoctetcount, 800);
});

test('probation restarts on a gap and succeeds across 65535 → 0', () => {
  const s = new ReceiveStats();
  assert.deepEqual(feed(s, [10, 12, 65535, 0, 1]), [false, false, false, true, true]);
  assert.equal(s.extendedHighestSeq, 1, 'init_seq on validation resets cycles: 0 is the base');
  assert.equal(s.expected, 2);
  assert.equal(s.received, 2);
});

test('two lost packets: cumulative 2, fraction floor(2 × 256 / 9) = 56, then 0 for a clean interval', () => {
  const s = new ReceiveStats();
  feed(s, [1000, 1001, 1002, 1003, 1006, 1007, 1008, 1009]);
  const block = createReportBlock();
  s.fillReportBlock(block);
  assert.equal(block.fractionLost, 56);
  assert.equal(block.cumulativeLost, 2);
  assert.equal(block.extendedHighestSeq, 1009);
  feed(s, [1010, 1011, 1012, 1013]);
  s.fillReportBlock(block);
  assert.equal(block.fractionLost, 0);
  assert.equal(block.cumulativeLost, 2);
  assert.equal(block.extendedHighestSeq, 1013);
  assert.equal(s.rtpStat(stat()).rxploss, 2);
});

test('sequence wrap: cycles count 65536, one loss across the wrap', () => {
  const s = new ReceiveStats();
  feed(s, [65533, 65534, 65535, 0, 2, 3]);
  assert.equal(s.extendedHighestSeq, 65539);
  assert.equal(s.expected, 6); // 65534 … 65539
  assert.equal(s.received, 5);
  assert.equal(s.cumulativeLost, 1);
  const block = createReportBlock();
  s.fillReportBlock(block);
  assert.equal(block.extendedHighestSeq, 65539);
  assert.equal(block.fractionLost, Math.floor(256 / 6)); // 42
});

test('duplicates make cumulative lost negative; reordered packets are not losses', () => {
  const s = new ReceiveStats();
  feed(s, [1, 2, 4, 3, 5, 5]);
  assert.equal(s.expected, 4); // 2 … 5
  assert.equal(s.received, 5);
  assert.equal(s.cumulativeLost, -1);
  const block = createReportBlock();
  s.fillReportBlock(block);
  assert.equal(block.fractionLost, 0);
  assert.equal(block.cumulativeLost, -1);
  assert.equal(s.rtpStat(stat()).rxploss, 0);
});

test('a large jump is ignored once, then accepted as a restart on the next sequential packet', () => {
  const s = new ReceiveStats();
  assert.deepEqual(feed(s, [10, 11, 12, 20000, 20001, 20002]), [false, true, true, false, true, true]);
  assert.equal(s.extendedHighestSeq, 20002);
  assert.equal(s.expected, 2);
  assert.equal(s.received, 2);
});

test('A.8 jitter: transit 1000, 1010, 1000, 1010 → J = 0.625, 1.2109375, 1.76025390625', () => {
  const s = new ReceiveStats(8000);
  const arrivals = [1000, 1170, 1320, 1490]; // timestamps 0, 160, 320, 480
  s.update(0, 0, arrivals[0]!);
  s.update(1, 160, arrivals[1]!);
  assert.equal(s.jitter, 0.625);
  s.update(2, 320, arrivals[2]!);
  assert.equal(s.jitter, 1.2109375);
  s.update(3, 480, arrivals[3]!);
  assert.equal(s.jitter, 1.76025390625);
  const block = createReportBlock();
  s.fillReportBlock(block);
  assert.equal(block.jitter, 1);
  const st = s.rtpStat(stat());
  assert.equal(st.rxjitter, 1.76025390625 / 8000);
  assert.equal(st.local_maxjitter, st.rxjitter);
  assert.equal(st.local_minjitter, st.rxjitter);
});

test('jitter survives the 32-bit wrap of both clocks', () => {
  const s = new ReceiveStats();
  s.update(0, 0xffffff60, 0xfffffff0);
  s.update(1, 0x00000000, 0x00000090); // transit 0x90 both times
  assert.equal(s.jitter, 0);
  s.update(2, 0x000000a0, 0x00000140); // transit 0xa0: D = 16, J = 1
  assert.equal(s.jitter, 1);
});
