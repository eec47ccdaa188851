/**
 * How the kernel schedules the media worker threads (Linux; elsewhere both policies are the OS default).
 *
 * - `batch` (default): SCHED_BATCH at nice −10. A batch thread that wakes does not preempt the thread running
 *   on that core; it runs when that thread sleeps or its slice ends (well under a millisecond at Linux's
 *   default base slice). Every RTP packet that arrives wakes a media thread: woken with preemption, it takes
 *   the core from whatever sent the packet, relays one packet and sleeps again — on a loaded two-core machine
 *   that was 9 000 context switches a second per worker at 500 bridged calls, each costing both threads. As a
 *   batch thread it wakes ~20 times less often and relays what arrived meanwhile in one pass.
 * - `normal`: SCHED_OTHER at nice −10, woken at once (the policy of every thread before this option).
 *
 * The nice value needs CAP_SYS_NICE; without it the threads keep the process's priority. Switching to
 * SCHED_BATCH needs no privilege.
 */
export type MediaScheduling = 'batch' | 'normal';

export const MEDIA_SCHEDULING: readonly MediaScheduling[] = ['batch', 'normal'];
