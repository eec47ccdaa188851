/**
 * How the kernel schedules the media worker threads (Linux; elsewhere both policies are the OS default).
 *
 * - `normal` (default): SCHED_OTHER at nice −10. A media thread woken by a packet or its timer runs at once,
 *   taking the core from the thread that was running.
 * - `batch`: SCHED_BATCH at nice −10. A batch thread that wakes does not preempt the thread running on that
 *   core; it runs when that thread sleeps or its slice ends, and relays what arrived meanwhile in one pass.
 *
 * Measured with the bridge benchmark at 500 pairs, the load generator on the same two cores: when the server's
 * threads and the load generator's share one scheduling group (one session under the kernel's autogroup), batch
 * cut a worker's wake-ups from 9 300 to 550 a second and the late frames by half (quiet mean 4.0 % against
 * 8.9 %), because a normal media thread took the core from the sender of every packet. With the server in a session
 * of its own, as a service runs, the two policies were within the noise of each other (quiet mean 4.7 % against
 * 5.8 %, with originates 22 % against 17 %, five runs each), and timer-driven media under a busy control plane was a
 * little later with batch (1 000 playbacks: 0.58 % against 0.30 % late). So batch is an option for media threads
 * that share their group with busy peers, not the default.
 *
 * The nice value needs CAP_SYS_NICE; without it the threads keep the process's priority. Switching to
 * SCHED_BATCH needs no privilege.
 */
export type MediaScheduling = 'batch' | 'normal';

export const MEDIA_SCHEDULING: readonly MediaScheduling[] = ['normal', 'batch'];
