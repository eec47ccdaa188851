/**
 * Bridged calls (issue 10, Performance): the RTP load generator places every leg as a SIP call sending µ-law at
 * a 20 ms pace into a Stasis app run here; once all are up the app creates mixing bridges
 * (`POST /bridges?type=mixing`) and adds the legs in groups (`POST /bridges/{id}/addChannel?channel=a,b,...`):
 * two-party calls (N pairs = 2N legs) and conferences (B bridges × P parties, every party sending). Each leg times
 * what it receives (late frames, sequence gaps); two windows: quiet, then with 200 originate cycles/s beside it
 * (how fast ARI answers with the media plane loaded). One JSON line per scenario; a fresh server for each when
 * it is ours.
 *
 *   node --import tsx bench/bridge-calls.ts [--pairs 250,500,1000,2000] [--conferences 50x5,10x20,1x100]
 *   node --import tsx bench/bridge-calls.ts --target http://127.0.0.1:8090 --sip 127.0.0.1:5080 --pid N
 */
import { eachLimited, until } from './lib/ari-app.js';
import { reasonOf } from './lib/ari-client.js';
import { openMediaTarget } from './lib/media-server.js';
import { MEDIA_OPTIONS, MEDIA_USAGE, positive, runMediaStep, type StepContext } from './lib/media-step.js';
import { absNow } from './lib/rtp-load.js';
import { note, printJson, round } from './lib/stats.js';
import { parseBenchArgs } from './lib/target.js';

const USAGE = `
node --import tsx bench/bridge-calls.ts [options]
  --pairs N,N,...         two-party bridged calls (2N legs), one step each (default 250,500,1000,2000; '' for none)
  --conferences BxP,...   B mixing bridges of P parties each (default 50x5,10x20,1x100; '' for none)
  --bridge-type T         bridge type list for POST /bridges (default mixing)
  --concurrency K         ARI requests in flight while bridging (default 16)
${MEDIA_USAGE}`;

const args = parseBenchArgs(
  {
    ...MEDIA_OPTIONS,
    pairs: { type: 'string', default: '250,500,1000,2000' },
    conferences: { type: 'string', default: '50x5,10x20,1x100' },
    'bridge-type': { type: 'string', default: 'mixing' },
    concurrency: { type: 'string', default: '16' },
  },
  USAGE,
);

interface Scenario {
  readonly bridges: number;
  readonly parties: number;
}

const list = (raw: string): string[] => raw.split(',').filter((s) => s.trim() !== '');
const scenarios: Scenario[] = [
  ...list(args.pairs).map((s) => ({ bridges: Math.round(positive('pairs', s)), parties: 2 })),
  ...list(args.conferences).map((s) => {
    const m = /^(\d+)x(\d+)$/.exec(s.trim());
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 2) throw new Error(`--conferences ${s}: expected BxP, e.g. 10x20`);
    return { bridges: Number(m[1]), parties: Number(m[2]) };
  }),
];
const concurrency = Math.round(positive('concurrency', args.concurrency));

async function bridgeAll(ctx: StepContext, s: Scenario, bridgeIds: string[]): Promise<Record<string, unknown>> {
  let entered = 0;
  ctx.app.on('ChannelEnteredBridge', () => entered++);
  const t0 = absNow();
  const groups: string[][] = [];
  for (let i = 0; i + s.parties <= ctx.channels.length; i += s.parties) groups.push(ctx.channels.slice(i, i + s.parties)); // prettier-ignore
  let legs = 0;
  await eachLimited(groups, concurrency, async (group) => {
    const created = await ctx.http.request('POST', `/bridges?type=${encodeURIComponent(args['bridge-type'])}`, 10_000);
    let id: string | undefined;
    try {
      id = (JSON.parse(created.body) as { id?: string }).id;
    } catch {
      id = undefined;
    }
    if (created.status !== 200 || id === undefined) return ctx.failures.add(`bridge:${reasonOf(created)}`);
    bridgeIds.push(id);
    const channels = group.map(encodeURIComponent).join(',');
    const added = await ctx.http.request('POST', `/bridges/${encodeURIComponent(id)}/addChannel?channel=${channels}`, 10_000); // prettier-ignore
    if (added.status !== 204) return ctx.failures.add(`addChannel:${reasonOf(added)}`);
    legs += group.length;
  });
  await until(() => entered >= legs, 15_000);
  const setupS = (absNow() - t0) / 1000;
  note(`bridges: ${bridgeIds.length} created, ${entered} legs entered in ${round(setupS, 1)} s`);
  return { bridges_created: bridgeIds.length, legs_bridged: entered, bridge_setup_s: round(setupS, 2) };
}

async function main(): Promise<void> {
  for (const s of scenarios) {
    const legs = s.bridges * s.parties;
    const server = await openMediaTarget(args);
    try {
      const bridgeIds: string[] = [];
      const result = await runMediaStep(
        server.target,
        args,
        {
          name: s.parties === 2 ? 'bridge-calls' : 'bridge-conference',
          calls: legs,
          send: true,
          controlWindow: true,
          extra: { bridges: s.bridges, parties: s.parties, legs },
        },
        {
          prepare: (ctx) => bridgeAll(ctx, s, bridgeIds),
          finish: async (ctx) => {
            await eachLimited(bridgeIds, concurrency, async (id) => {
              await ctx.http.request('DELETE', `/bridges/${encodeURIComponent(id)}`, 10_000);
            });
            return {};
          },
        },
      );
      const perLeg = result.rss_per_call_kb as number | null;
      result.rss_per_bridge_party_kb = perLeg;
      if (s.parties === 2) result.rss_per_pair_kb = perLeg === null ? null : round(perLeg * 2, 1);
      delete result.rss_per_call_kb;
      printJson(result);
    } finally {
      await server.close();
    }
  }
}

main().catch((err: Error) => {
  note(`bridge-calls failed: ${err.stack ?? err.message}`);
  process.exitCode = 1;
});
