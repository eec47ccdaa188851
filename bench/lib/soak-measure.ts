/**
 * The soak's first phase: the same calls (answer, prompt, hangup) at rising rates, one sipp run per rate, to find
 * the highest rate this server carries with zero failed calls on this machine right now. The soak then runs at a
 * fraction of it, so that it measures endurance rather than the edge of overload.
 */
import { col, startSippLoad } from './sipp.js';
import type { SoakApp } from './soak-app.js';
import { note, p50p99, printJson, round } from './stats.js';
import { cpuPercent, type Target } from './target.js';

/** Calls up at once that sipp allows in a step: far above what the rates need. */
const STEP_CALL_LIMIT = 5000;
/** Pause between steps so the previous step's calls have ended (prompt + sipp's time-wait). */
const SETTLE_MS = 5000;

/** The highest rate of `rates` (tried in order, stopping at the first that fails) with zero failed calls. */
export async function measureRate(
  target: Target,
  app: SoakApp,
  service: string,
  rates: readonly number[],
  seconds: number,
): Promise<number | null> {
  let best: number | null = null;
  for (const rate of rates) {
    const calls = Math.round(rate * seconds);
    note(`soak measure: ${rate} calls/s for ${seconds} s`);
    const failuresBefore = app.failures.total;
    const completedBefore = app.completed;
    app.answerMs.clear();
    app.playMs.clear();
    const before = target.sample();
    const sipp = await startSippLoad({
      scenario: 'uac-stasis.xml',
      remote: target.sip,
      service,
      calls,
      rate,
      limit: STEP_CALL_LIMIT,
      killAfterS: seconds * 2 + 60,
    });
    const result = await sipp.done;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    app.sweepStuck();
    const after = target.sample();
    const last = result.rows.at(-1);
    const successful = col(last, 'SuccessfulCall(C)');
    const failed = Math.max(col(last, 'FailedCall(C)'), calls - successful, app.failures.total - failuresBefore);
    printJson({
      name: 'soak-measure',
      rate,
      seconds,
      calls,
      successful,
      completed_by_app: app.completed - completedBefore,
      failed,
      answer_ms: p50p99(app.answerMs),
      play_ms: p50p99(app.playMs),
      server_cpu_pct: round(cpuPercent(before, after), 1),
      server_rss_mb: round(after?.rssMb ?? null, 1),
    });
    if (failed > 0) {
      note(`rate ${rate}: ${failed} failed (${JSON.stringify(app.failures)})`);
      break;
    }
    best = rate;
  }
  return best;
}
