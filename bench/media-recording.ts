/**
 * N concurrent recordings (issue 9, Performance): the RTP load generator places N calls that each send µ-law at
 * a 20 ms pace into a Stasis app run here; once all are up the app records each one
 * (`POST /channels/{id}/record?name=...&format=wav`), a window measures the server's CPU (whole and per thread)
 * and the bytes it writes (/proc/<pid>/io write_bytes), then every recording is stopped
 * (`POST /recordings/live/{name}/stop`), downloaded (`GET /recordings/stored/{name}/file`) and deleted. Frames
 * lost: every frame the calls send carries its due time in its first samples (lib/frame-marker.ts); a file's
 * missing frames are the marks absent between the first and the last it holds. Beside that, the audio's
 * length against the time between the RecordingStarted and RecordingFinished events (the server's timestamps).
 * One JSON line per N.
 *
 *   node --import tsx bench/media-recording.ts [--calls 100,500,1000] [--window 8]
 *   node --import tsx bench/media-recording.ts --target http://127.0.0.1:8090 --sip 127.0.0.1:5080 --pid N
 */
import { eachLimited, until } from './lib/ari-app.js';
import { reasonOf } from './lib/ari-client.js';
import { scanMarkers } from './lib/frame-marker.js';
import { openMediaTarget } from './lib/media-server.js';
import { MEDIA_OPTIONS, MEDIA_USAGE, positive, runMediaStep, type StepContext } from './lib/media-step.js';
import { absNow } from './lib/rtp-load.js';
import { note, printJson, round, Samples, percentile } from './lib/stats.js';
import { parseBenchArgs, type Target } from './lib/target.js';

const USAGE = `
node --import tsx bench/media-recording.ts [options]
  --calls N,N,...      concurrent recordings, one step each (default 100,500,1000)
  --format F           recording format (default wav: 8 kHz 16-bit, 16 000 bytes/s)
  --concurrency K      ARI requests in flight while starting, stopping, fetching (default 32)
  --keep               leave the stored recordings on the server
${MEDIA_USAGE}
The window is the recording time measured (--window, default 8 s); --control-rate does not apply here.`;

const args = parseBenchArgs(
  {
    ...MEDIA_OPTIONS,
    calls: { type: 'string', default: '100,500,1000' },
    format: { type: 'string', default: 'wav' },
    concurrency: { type: 'string', default: '32' },
    keep: { type: 'boolean', default: false },
  },
  USAGE,
);

const counts = args.calls.split(',').map((s) => Math.round(positive('calls', s)));
const concurrency = Math.round(positive('concurrency', args.concurrency));
const BYTES_PER_MS = 16; // 8 kHz × 16-bit

/** ARI timestamps look like 2026-12-06T21:04:43.495+0000 (Asterisk) or with +00:00. */
function eventMs(timestamp: string | undefined): number | null {
  if (!timestamp) return null;
  const ms = Date.parse(timestamp.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isFinite(ms) ? ms : null;
}

/** Where the audio of a wav file is: the data chunk, its declared size bounded by what is there. */
function wavData(file: Buffer): { offset: number; bytes: number } | null {
  if (file.length < 12 || file.toString('latin1', 0, 4) !== 'RIFF' || file.toString('latin1', 8, 12) !== 'WAVE') {
    return null;
  }
  for (let at = 12; at + 8 <= file.length;) {
    const id = file.toString('latin1', at, at + 4);
    const size = file.readUInt32LE(at + 4);
    if (id === 'data') return { offset: at + 8, bytes: Math.min(size, file.length - at - 8) & ~1 };
    at += 8 + size + (size & 1);
  }
  return null;
}

async function download(target: Target, name: string): Promise<Buffer | string> {
  try {
    const res = await fetch(`${target.ariBase}/recordings/stored/${encodeURIComponent(name)}/file`, {
      headers: { authorization: target.authorization },
      signal: AbortSignal.timeout(30_000),
    });
    if (res.status !== 200) return `file:${res.status}`;
    return Buffer.from(await res.arrayBuffer());
  } catch (err) {
    return `file:${(err as Error).name}`;
  }
}

interface RecTally {
  names: string[];
  started: Map<string, number>;
  finished: Map<string, number>;
  failed: number;
}

async function startRecordings(ctx: StepContext, tally: RecTally, step: number): Promise<Record<string, unknown>> {
  ctx.app.on('RecordingStarted', (e) => tally.started.set(e.recording!.name, eventMs(e.timestamp) ?? Date.now()));
  ctx.app.on('RecordingFinished', (e) => tally.finished.set(e.recording!.name, eventMs(e.timestamp) ?? Date.now()));
  ctx.app.on('RecordingFailed', () => tally.failed++);
  const t0 = absNow();
  const stamp = Date.now().toString(36);
  await eachLimited(ctx.channels.slice(), concurrency, async (id) => {
    const name = `bench-rec-${stamp}-${step}-${tally.names.length}`;
    tally.names.push(name);
    const q = `name=${encodeURIComponent(name)}&format=${encodeURIComponent(args.format)}&ifExists=overwrite`;
    const res = await ctx.http.request('POST', `/channels/${encodeURIComponent(id)}/record?${q}`, 10_000);
    if (res.status !== 201) ctx.failures.add(`record:${reasonOf(res)}`);
  });
  await until(() => tally.started.size + tally.failed >= tally.names.length, 10_000);
  const burstS = (absNow() - t0) / 1000;
  note(`recordings: ${tally.started.size} started in ${round(burstS, 1)} s`);
  return { recordings_started: tally.started.size, record_burst_s: round(burstS, 2) };
}

async function stopAndCheck(ctx: StepContext, tally: RecTally): Promise<Record<string, unknown>> {
  const live = [...tally.started.keys()];
  await eachLimited(live, concurrency, async (name) => {
    const res = await ctx.http.request('POST', `/recordings/live/${encodeURIComponent(name)}/stop`, 10_000);
    if (res.status !== 204) ctx.failures.add(`stop:${reasonOf(res)}`);
  });
  await until(() => tally.finished.size + tally.failed >= live.length, 15_000);
  const deficitMs = new Samples();
  const startLagMs = new Samples();
  const finishLagMs = new Samples();
  let framesRecorded = 0;
  let framesMissing = 0;
  let framesRepeated = 0;
  let withGaps = 0;
  let unmarked = 0;
  let recordedMs = 0;
  let expectedMs = 0;
  let bytes = 0;
  await eachLimited(live, concurrency, async (name) => {
    const file = await download(ctx.target, name);
    if (typeof file === 'string') return ctx.failures.add(file);
    bytes += file.length;
    const data = wavData(file);
    const from = tally.started.get(name);
    const to = tally.finished.get(name);
    if (data === null || from === undefined || to === undefined) return ctx.failures.add('check:unreadable');
    const audio = new Int16Array(file.buffer.slice(file.byteOffset + data.offset, file.byteOffset + data.offset + data.bytes)); // prettier-ignore
    const scan = scanMarkers(audio);
    if (scan.frames === 0) unmarked++;
    framesRecorded += scan.frames;
    framesMissing += scan.missing;
    framesRepeated += scan.repeated;
    if (scan.missing > 0) withGaps++;
    // Marks are the frames' due times in epoch ms (lib/rtp-send-clock.ts): compare them with the events' times.
    if (scan.first !== null && scan.last !== null) {
      startLagMs.add((scan.first - (from >>> 0)) | 0);
      finishLagMs.add(((to >>> 0) - scan.last) | 0);
    }
    const got = data.bytes / BYTES_PER_MS;
    const want = to - from;
    recordedMs += got;
    expectedMs += want;
    deficitMs.add(want - got);
    if (!args.keep) await ctx.http.request('DELETE', `/recordings/stored/${encodeURIComponent(name)}`, 10_000);
  });
  const sorted = deficitMs.sorted();
  return {
    recordings_finished: tally.finished.size,
    recordings_failed: tally.failed,
    recorded_s: round(recordedMs / 1000, 1),
    expected_s: round(expectedMs / 1000, 1),
    frames_recorded: framesRecorded,
    frames_missing: framesMissing,
    frames_repeated: framesRepeated,
    recordings_with_gaps: withGaps,
    recordings_without_markers: unmarked,
    recorded_vs_events_pct: expectedMs ? round((recordedMs / expectedMs) * 100, 2) : null,
    events_minus_recorded_ms: { p50: round(percentile(sorted, 50), 1), max: round(sorted.at(-1) ?? null, 1) },
    first_frame_after_started_ms: p50max(startLagMs),
    finished_after_last_frame_ms: p50max(finishLagMs),
    file_bytes: bytes,
  };
}

function p50max(samples: Samples): { p50: number | null; max: number | null } {
  const sorted = samples.sorted();
  return { p50: round(percentile(sorted, 50), 1), max: round(sorted.at(-1) ?? null, 1) };
}

async function main(): Promise<void> {
  if (args.format !== 'wav') note('frames lost are computed for wav (8 kHz 16-bit) only');
  for (const [step, n] of counts.entries()) {
    const server = await openMediaTarget(args);
    try {
      const tally: RecTally = { names: [], started: new Map(), finished: new Map(), failed: 0 };
      const result = await runMediaStep(
        server.target,
        args,
        {
          name: 'media-recording',
          calls: n,
          send: true,
          receive: false,
          controlWindow: false,
          extra: { format: args.format },
        },
        { prepare: (ctx) => startRecordings(ctx, tally, step), finish: (ctx) => stopAndCheck(ctx, tally) },
      );
      const quiet = result.quiet as { server_write_bytes_per_s?: number | null } | undefined;
      result.write_bytes_per_s_per_recording =
        quiet?.server_write_bytes_per_s != null ? Math.round(quiet.server_write_bytes_per_s / n) : null;
      printJson(result);
    } finally {
      await server.close();
    }
  }
}

main().catch((err: Error) => {
  note(`media-recording failed: ${err.stack ?? err.message}`);
  process.exitCode = 1;
});
