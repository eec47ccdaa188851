/**
 * What a media benchmark measures over one window besides the RTP itself: the server's CPU (whole process and
 * per thread, so that both cores at work are visible), its largest RSS, the bytes it wrote to storage, the load
 * client's own CPU (per thread too: the RTP load workers are labelled) and everything else on the machine.
 */
import { clientSample, cpuPercent, OtherLoad, type ProcessSample, type Target } from './target.js';
import { round } from './stats.js';
import { sampleThreads, threadsReport, writeBytes, type ThreadsSample } from './threads.js';

export interface ProbeReport {
  server_cpu_pct: number | null;
  server_threads: ReturnType<typeof threadsReport>;
  server_rss_mb: number | null;
  server_write_bytes_per_s: number | null;
  client_cpu_pct: number | null;
  client_threads: ReturnType<typeof threadsReport>;
  other_cpu_pct: number | null;
}

export class WindowProbe {
  readonly #server: ProcessSample | null;
  readonly #serverThreads: ThreadsSample | null;
  readonly #written: number | null;
  readonly #client: ProcessSample;
  readonly #clientThreads: ThreadsSample | null;
  readonly #other: OtherLoad;
  #maxRss: number | null = null;
  readonly #sampler: NodeJS.Timeout;

  constructor(
    private readonly target: Target,
    private readonly clientLabels: ReadonlyMap<number, string>,
  ) {
    const pid = target.pid;
    this.#server = this.#track(target.sample());
    this.#serverThreads = pid === undefined ? null : sampleThreads(pid);
    this.#written = pid === undefined ? null : writeBytes(pid);
    this.#client = clientSample();
    this.#clientThreads = sampleThreads(process.pid);
    this.#other = new OtherLoad(target);
    this.#sampler = setInterval(() => this.#track(target.sample()), 500);
  }

  end(): ProbeReport {
    clearInterval(this.#sampler);
    const pid = this.target.pid;
    const server = this.#track(this.target.sample());
    const threads = pid === undefined ? null : sampleThreads(pid);
    const written = pid === undefined ? null : writeBytes(pid);
    const seconds = server && this.#server ? (server.atMs - this.#server.atMs) / 1000 : null;
    return {
      server_cpu_pct: round(cpuPercent(this.#server, server), 1),
      server_threads: pid === undefined ? null : threadsReport(pid, this.#serverThreads, threads),
      server_rss_mb: round(this.#maxRss, 1),
      server_write_bytes_per_s:
        written !== null && this.#written !== null && seconds ? Math.round((written - this.#written) / seconds) : null,
      client_cpu_pct: round(cpuPercent(this.#client, clientSample()), 1),
      client_threads: threadsReport(process.pid, this.#clientThreads, sampleThreads(process.pid), 4, this.clientLabels),
      other_cpu_pct: round(this.#other.percent(), 1),
    };
  }

  #track(s: ProcessSample | null): ProcessSample | null {
    if (s) this.#maxRss = Math.max(this.#maxRss ?? 0, s.rssMb);
    return s;
  }
}
