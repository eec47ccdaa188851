/**
 * N concurrent SIP calls each playing a 30 s prompt (issue 9, Performance): the RTP load generator
 * (lib/rtp-load.ts) places N calls into a Stasis app run here, which answers each; once all are up it starts
 * `POST /channels/{id}/play?media=<prompt>` on every one, and every packet the calls receive is timed. Two windows
 * are measured: quiet, then with 200 originate cycles/s on Local channels beside it (the control-plane load). One
 * JSON line per N: server CPU (whole and per thread), RSS per call, late frames (> 5 ms after their 20 ms slot),
 * sequence gaps, failed calls. Each N gets a fresh server when it is ours.
 *
 *   node --import tsx bench/media-playback.ts [--calls 100,500,1000,2000] [--window 8]
 *   node --import tsx bench/media-playback.ts --target http://127.0.0.1:8090 --sip 127.0.0.1:5080 --pid N \
 *     --media sound:bench-prompt-30s
 */
import { eachLimited, until } from './lib/ari-app.js';
import { isOk, reasonOf } from './lib/ari-client.js';
import { openMediaTarget, PROMPT_NAME, writePrompt } from './lib/media-server.js';
import { MEDIA_OPTIONS, MEDIA_USAGE, positive, runMediaStep, type StepContext } from './lib/media-step.js';
import { absNow } from './lib/rtp-load.js';
import { note, printJson, round } from './lib/stats.js';
import { parseBenchArgs } from './lib/target.js';

const USAGE = `
node --import tsx bench/media-playback.ts [options]
  --calls N,N,...      concurrent calls, one step each (default 100,500,1000,2000)
  --media URI          what each call plays (default sound:${PROMPT_NAME}, generated for our own server; with
                       --target the sound must exist on the target, e.g. in its sounds folder)
  --prompt-seconds S   length of the generated prompt and of the longest usable measurement (default 30)
  --send               the calls also send µ-law (default: they only receive)
  --play-concurrency K play requests in flight while starting the playbacks (default 32)
  --write-prompt PATH  only write the generated prompt (a wav) to PATH and exit: copy it to another server
${MEDIA_USAGE}`;

const args = parseBenchArgs(
  {
    ...MEDIA_OPTIONS,
    calls: { type: 'string', default: '100,500,1000,2000' },
    media: { type: 'string', default: `sound:${PROMPT_NAME}` },
    'prompt-seconds': { type: 'string', default: '30' },
    send: { type: 'boolean', default: false },
    'play-concurrency': { type: 'string', default: '32' },
    'write-prompt': { type: 'string' },
  },
  USAGE,
);

const counts = args.calls.split(',').map((s) => Math.round(positive('calls', s)));
const promptS = positive('prompt-seconds', args['prompt-seconds']);
const playConcurrency = Math.round(positive('play-concurrency', args['play-concurrency']));

interface PlaybackTally {
  started: number;
  firstStartedAt: number;
  finished: { atMs: number; state: string }[];
}

async function startPlaybacks(ctx: StepContext, tally: PlaybackTally): Promise<Record<string, unknown>> {
  ctx.app.on('PlaybackStarted', () => {
    if (tally.started++ === 0) tally.firstStartedAt = absNow();
  });
  ctx.app.on('PlaybackFinished', (e) => tally.finished.push({ atMs: absNow(), state: e.playback?.state ?? '?' }));
  const t0 = absNow();
  let ok = 0;
  const media = encodeURIComponent(args.media);
  await eachLimited(ctx.channels.slice(), playConcurrency, async (id) => {
    const res = await ctx.http.request('POST', `/channels/${encodeURIComponent(id)}/play?media=${media}`, 10_000);
    if (res.status === 201) ok++;
    else ctx.failures.add(`play:${reasonOf(res)}${isOk(res) ? ` ${res.status}` : ''}`);
  });
  await until(() => tally.started >= ok, 10_000);
  const burstS = (absNow() - t0) / 1000;
  note(`playbacks: ${ok} requested, ${tally.started} started in ${round(burstS, 1)} s`);
  return { playbacks_requested: ok, playbacks_started: tally.started, play_burst_s: round(burstS, 2) };
}

async function main(): Promise<void> {
  if (args['write-prompt'] !== undefined) {
    note(`${args['write-prompt']}: ${promptS} s from ${writePrompt(args['write-prompt'], promptS)}`);
    return;
  }
  for (const n of counts) {
    const server = await openMediaTarget(args, { promptSeconds: promptS });
    try {
      const tally: PlaybackTally = { started: 0, firstStartedAt: 0, finished: [] };
      const result = await runMediaStep(
        server.target,
        args,
        {
          name: 'media-playback',
          calls: n,
          send: args.send,
          controlWindow: true,
          extra: { media: args.media, sending: args.send },
        },
        {
          prepare: (ctx) => startPlaybacks(ctx, tally),
          finish: async (_ctx, windowsEnd) => {
            const early = tally.finished.filter((f) => f.atMs <= windowsEnd);
            if (tally.firstStartedAt && windowsEnd - tally.firstStartedAt > promptS * 1000) {
              note(`the windows ended ${round((windowsEnd - tally.firstStartedAt) / 1000, 1)} s after the first playback started: longer than the prompt`); // prettier-ignore
            }
            return {
              playbacks_finished_in_windows: early.length,
              playbacks_failed: tally.finished.filter((f) => f.state === 'failed').length,
            };
          },
        },
      );
      printJson(result);
    } finally {
      await server.close();
    }
  }
}

main().catch((err: Error) => {
  note(`media-playback failed: ${err.stack ?? err.message}`);
  process.exitCode = 1;
});
