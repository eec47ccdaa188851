/**
 * WebSocket media for voice bots (external media issue, Performance): N SIP calls from the RTP load generator,
 * each answered by a Stasis app run here, which asks for a WebSocket media channel in server mode
 * (`POST /channels/externalMedia?transport=websocket&encapsulation=none&connection_type=server&format=ulaw`),
 * connects a bot to `/media/<MEDIA_WEBSOCKET_CONNECTION_ID>` on the server's HTTP port, and bridges the two
 * (`type=mixing`). The bot (bench/lib/ws-echo-worker.ts, in client threads) sends every frame straight back, so
 * each call streams both ways: the caller's audio out to the bot, the bot's audio re-timed by the server back
 * to the caller. Figures: server CPU and RSS per call, late frames and lost packets at the caller, the one-way
 * delay SIP → WebSocket (the caller's frame marker read by the bot) and the round trip SIP → bot → SIP (the
 * marker back at the caller: `e2e_ms`). The same command runs against Asterisk 22.6+ (chan_websocket).
 *
 * `--mode client`: the server dials the bot instead (`connection_type=client&external_host=<--client-id>`), a
 * websocket_client.conf connection to the bot's listening socket: written into our server's config; another
 * server needs the section itself, with the port given as --bot-port (with --bot-threads T, T sections:
 * `<id>`, `<id>-1`… on consecutive ports, calls spread round robin).
 *
 *   node --import tsx bench/websocket-media.ts [--calls 100,250,500,1000] [--mode client]
 *   node --import tsx bench/websocket-media.ts --target http://127.0.0.1:8090 --sip 127.0.0.1:5080 --pid N
 */
import { AriApp, eachLimited, until } from './lib/ari-app.js';
import { reasonOf } from './lib/ari-client.js';
import { openMediaTarget } from './lib/media-server.js';
import { MEDIA_OPTIONS, MEDIA_USAGE, positive, runMediaStep, type StepContext } from './lib/media-step.js';
import { absNow } from './lib/rtp-load.js';
import { note, printJson, round } from './lib/stats.js';
import { parseBenchArgs } from './lib/target.js';
import { WsEchoPool } from './lib/ws-echo.js';

const USAGE = `
node --import tsx bench/websocket-media.ts [options]
  --calls N,N,...      concurrent calls each streaming both ways over WebSocket media (default 100,250,500,1000)
  --bot-threads T      client threads running the WebSocket bot (default 1); in client mode thread i listens on
                       --bot-port + i and is the connection --client-id (i = 0) or <--client-id>-<i>
  --concurrency K      ARI requests in flight while setting up (default 16)
  --mode M             server (the bot connects to /media/<id>, default) or client (the server dials the bot)
  --client-id ID       client mode: the websocket_client.conf connection naming the bot (default bench-ws-bot)
  --bot-port P         client mode: the bot's loopback port (default 0: a free one; fixed for another server)
  --setup S            per-call (default): each call gets its media channel and bridge as soon as it is answered,
                       as a voice-bot app does on StasisStart; after-calls: once every call is up, in call order
${MEDIA_USAGE}`;

const args = parseBenchArgs(
  {
    ...MEDIA_OPTIONS,
    calls: { type: 'string', default: '100,250,500,1000' },
    'bot-threads': { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '16' },
    mode: { type: 'string', default: 'server' },
    'client-id': { type: 'string', default: 'bench-ws-bot' },
    'bot-port': { type: 'string', default: '0' },
    setup: { type: 'string', default: 'per-call' },
  },
  USAGE,
);
const steps = args.calls.split(',').map((s) => Math.round(positive('calls', s)));
const concurrency = Math.round(positive('concurrency', args.concurrency));
const MEDIA_APP_SUFFIX = '-ws';
if (args.mode !== 'server' && args.mode !== 'client') throw new Error(`--mode ${args.mode}: expected server or client`);
const clientMode = args.mode === 'client';
if (args.setup !== 'per-call' && args.setup !== 'after-calls') throw new Error(`--setup ${args.setup}: expected per-call or after-calls`); // prettier-ignore
const perCall = args.setup === 'per-call';

/** The websocket_client.conf connection of bot thread `i`: `--client-id`, then `<--client-id>-1`, `-2`… */
function botConnectionId(i: number): string {
  return i === 0 ? args['client-id'] : `${args['client-id']}-${i}`;
}

/** Our server's websocket_client.conf in client mode: one connection per bot thread, opened per call. */
function botConnectionConf(ports: readonly number[]): string {
  return ports
    .map((port, i) =>
      [
        `[${botConnectionId(i)}]`,
        'type=websocket_client',
        `uri=ws://127.0.0.1:${port}/`,
        'protocols=media',
        'connection_type=per_call_config',
        '',
      ].join('\n'),
    )
    .join('\n');
}

interface Created {
  id?: string;
  channelvars?: Record<string, string>;
}

/** What the per-call setup made and how it went: media channels, bridged calls, when it started. */
interface Setup {
  readonly made: string[];
  readonly inApp: Set<string>;
  bridged: number;
  calls: number;
  startedMs: number | undefined;
  readonly pending: Promise<void>[];
}

/** The app's work for one answered call: a WebSocket media channel for it, the bot on it, both in one bridge. */
async function connectOne(
  ctx: StepContext,
  bot: WsEchoPool,
  botThreads: number,
  setup: Setup,
  caller: string,
): Promise<void> {
  setup.startedMs ??= absNow();
  const wsBase = ctx.target.base.replace(/^http/, 'ws');
  const host = botConnectionId(setup.calls++ % botThreads);
  const connection = clientMode ? `client&external_host=${encodeURIComponent(host)}` : 'server';
  const query = `app=${encodeURIComponent(args.app + MEDIA_APP_SUFFIX)}&transport=websocket&encapsulation=none&connection_type=${connection}&format=ulaw`; // prettier-ignore
  const res = await ctx.http.request('POST', `/channels/externalMedia?${query}`, 10_000);
  let created: Created = {};
  try {
    created = JSON.parse(res.body) as Created;
  } catch {
    created = {};
  }
  const connectionId = created.channelvars?.['MEDIA_WEBSOCKET_CONNECTION_ID'];
  if (res.status !== 200 || created.id === undefined || (connectionId === undefined && !clientMode)) {
    return ctx.failures.add(`externalMedia:${reasonOf(res)}`);
  }
  setup.made.push(created.id);
  if (!clientMode) {
    const error = await bot.connect(`${wsBase}/media/${encodeURIComponent(connectionId!)}`);
    if (error !== undefined) return ctx.failures.add(`media-websocket:${error}`);
  } else if (!(await until(() => setup.inApp.has(created.id!), 10_000))) {
    // Client mode: the channel enters the app once the server's connection to the bot is up.
    return ctx.failures.add('media-websocket:no StasisStart');
  }
  const bridge = await ctx.http.request('POST', '/bridges?type=mixing', 10_000);
  const bridgeId = (JSON.parse(bridge.status === 200 ? bridge.body : '{}') as { id?: string }).id;
  if (bridgeId === undefined) return ctx.failures.add(`bridge:${reasonOf(bridge)}`);
  const add = await ctx.http.request('POST', `/bridges/${bridgeId}/addChannel?channel=${encodeURIComponent(caller)},${encodeURIComponent(created.id)}`, 10_000); // prettier-ignore
  if (add.status !== 204) return ctx.failures.add(`addChannel:${reasonOf(add)}`);
  setup.bridged++;
}

/** Once every call is up: per-call setups still running are awaited, or (`--setup after-calls`) all made now. */
async function connectAll(
  ctx: StepContext,
  bot: WsEchoPool,
  botThreads: number,
  setup: Setup,
): Promise<Record<string, unknown>> {
  if (perCall) await Promise.all(setup.pending);
  else await eachLimited([...ctx.channels], concurrency, (caller) => connectOne(ctx, bot, botThreads, setup, caller));
  const setupS = (absNow() - (setup.startedMs ?? absNow())) / 1000;
  note(`websocket-media: ${setup.made.length} media channels, ${setup.bridged} calls bridged in ${round(setupS, 1)} s`);
  bot.record(true);
  return {
    media_channels: setup.made.length,
    calls_bridged: setup.bridged,
    media_setup_s: round(setupS, 2),
    setup: args.setup,
  };
}

async function main(): Promise<void> {
  const botThreads = Math.round(positive('bot-threads', args['bot-threads']));
  for (const calls of steps) {
    const bot = new WsEchoPool(botThreads);
    let server;
    try {
      const botPorts = clientMode ? await bot.listen(Number(args['bot-port'])) : [];
      server = await openMediaTarget(args, clientMode ? { files: { 'websocket_client.conf': botConnectionConf(botPorts) } } : {}); // prettier-ignore
    } catch (err) {
      await bot.close();
      throw err;
    }
    // The media channels run Stasis(<app>-ws): the app must exist, or they hang up at once.
    const mediaApp = await AriApp.open(server.target, args.app + MEDIA_APP_SUFFIX);
    const setup: Setup = { made: [], inApp: new Set(), bridged: 0, calls: 0, startedMs: undefined, pending: [] };
    const made = setup.made;
    mediaApp.on('StasisStart', (e) => {
      if (e.channel?.id !== undefined) setup.inApp.add(e.channel.id);
    });
    try {
      const result = await runMediaStep(
        server.target,
        args,
        { name: 'websocket-media', calls, send: true, controlWindow: true },
        {
          ...(perCall
            ? { answered: (ctx, caller) => void setup.pending.push(connectOne(ctx, bot, botThreads, setup, caller)) }
            : {}),
          prepare: (ctx) => connectAll(ctx, bot, botThreads, setup),
          finish: async (ctx) => {
            bot.record(false);
            const report = await bot.report();
            await eachLimited(made, concurrency, async (id) => {
              await ctx.http.request('DELETE', `/channels/${encodeURIComponent(id)}`, 10_000);
            });
            await until(() => mediaApp.count('StasisEnd') >= made.length, 10_000);
            return report;
          },
        },
      );
      printJson({ ...result, mode: args.mode });
    } finally {
      mediaApp.close();
      await bot.close();
      await server.close();
    }
  }
}

main().catch((err: Error) => {
  note(`websocket-media failed: ${err.stack ?? err.message}`);
  process.exitCode = 1;
});
