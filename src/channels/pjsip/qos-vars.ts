/**
 * The RTPAUDIOQOS* channel variables chan_pjsip sets when a call with RTP ends (sip-reference §1.3): one summary
 * string and four min/max/avg/stdev series (jitter, loss, round-trip time, MES), `key=value` pairs joined by `;`,
 * numbers written with six decimals like C's `%f`.
 */
export function qosVariables(s: Readonly<Record<string, number>>): Array<[string, string]> {
  const f = (n: number | undefined): string => (n ?? 0).toFixed(6);
  const u = (n: number | undefined): string => String(Math.max(0, Math.round(n ?? 0)));
  const series = (keys: ReadonlyArray<readonly [string, string]>): string =>
    keys.map(([name, key]) => `${name}=${f(s[key])}`).join(';');
  return [
    [
      'RTPAUDIOQOS',
      `ssrc=${u(s.local_ssrc)};themssrc=${u(s.remote_ssrc)};lp=${u(s.rxploss)};rxjitter=${f(s.rxjitter)};` +
        `rxcount=${u(s.rxcount)};txjitter=${f(s.txjitter)};txcount=${u(s.txcount)};rlp=${u(s.txploss)};` +
        `rtt=${f(s.rtt)};rxmes=${f(s.rxmes)};txmes=${f(s.txmes)}`,
    ],
    [
      'RTPAUDIOQOSJITTER',
      series([
        ['minrxjitter', 'local_minjitter'],
        ['maxrxjitter', 'local_maxjitter'],
        ['avgrxjitter', 'local_normdevjitter'],
        ['stdevrxjitter', 'local_stdevjitter'],
        ['mintxjitter', 'remote_minjitter'],
        ['maxtxjitter', 'remote_maxjitter'],
        ['avgtxjitter', 'remote_normdevjitter'],
        ['stdevtxjitter', 'remote_stdevjitter'],
      ]),
    ],
    [
      'RTPAUDIOQOSLOSS',
      series([
        ['minrxlost', 'local_minrxploss'],
        ['maxrxlost', 'local_maxrxploss'],
        ['avgrxlost', 'local_normdevrxploss'],
        ['stdevrxlost', 'local_stdevrxploss'],
        ['mintxlost', 'remote_minrxploss'],
        ['maxtxlost', 'remote_maxrxploss'],
        ['avgtxlost', 'remote_normdevrxploss'],
        ['stdevtxlost', 'remote_stdevrxploss'],
      ]),
    ],
    [
      'RTPAUDIOQOSRTT',
      series([
        ['minrtt', 'minrtt'],
        ['maxrtt', 'maxrtt'],
        ['avgrtt', 'normdevrtt'],
        ['stdevrtt', 'stdevrtt'],
      ]),
    ],
    [
      'RTPAUDIOQOSMES',
      series([
        ['minrxmes', 'local_minmes'],
        ['maxrxmes', 'local_maxmes'],
        ['avgrxmes', 'local_normdevmes'],
        ['stdevrxmes', 'local_stdevmes'],
        ['mintxmes', 'remote_minmes'],
        ['maxtxmes', 'remote_maxmes'],
        ['avgtxmes', 'remote_normdevmes'],
        ['stdevtxmes', 'remote_stdevmes'],
      ]),
    ],
  ];
}
