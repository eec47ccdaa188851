/**
 * Graceful shutdown (SIGTERM), in Asterisk's order for `core stop now` (asterisk.c quit_handler with
 * SHUTDOWN_NORMAL: ast_begin_shutdown, ast_softhangup_all, wait for the channels to go), then what Asterisk
 * leaves to the kernel done properly:
 * 1. no new calls: every channel technology refuses to make channels (ARI originate/create answer 500
 *    "Allocation failed", as `ast_channel_alloc` refuses "due to active shutdown"), and a new SIP INVITE is
 *    answered 100 Trying then 503 Service Unavailable (both checked on Asterisk 22.10.1);
 * 2. every channel is hung up (ChannelHangupRequest with the shutdown flag, as Asterisk) and ends with cause 16:
 *    Stasis apps get StasisEnd and ChannelDestroyed, dialplans run their `h` extension, SIP calls get their BYE;
 *    what has not gone after `hangupMs` is destroyed; then the bridges are destroyed (BridgeDestroyed to their
 *    subscribers). Asterisk itself, on SIGTERM, cuts the events socket (1006) before the SIP channels'
 *    ChannelDestroyed and never destroys the bridges;
 * 3. the BYEs' answers are awaited (`byeMs` at most), so that the peers' calls end cleanly;
 * 4. each events WebSocket is closed with 1001 (Going Away) after the events above (`socketCloseMs` at most
 *    for each peer's close frame);
 * 5. the listeners and the media plane close.
 * The default limits add up to under the 5 s that process supervisors usually allow before SIGKILL.
 */
import type { AriServer } from './ari/server/ari-server.js';
import type { PjsipDriver } from './channels/pjsip/pjsip-driver.js';
import type { Core } from './core/core.js';
import type { ChannelDriver } from './core/ports.js';

export interface ShutdownLimits {
  /** How long channels get to hang up (StasisEnd, the `h` extension, queued Stasis commands) before destruction. */
  readonly hangupMs: number;
  /** How long to wait for the answers to the BYEs sent. */
  readonly byeMs: number;
  /** How long each events WebSocket waits for its peer's close frame. */
  readonly socketCloseMs: number;
}

export const DEFAULT_SHUTDOWN_LIMITS: ShutdownLimits = { hangupMs: 2000, byeMs: 1500, socketCloseMs: 1000 };

/** Q.850 cause 16, normal clearing: the cause every channel ends with. */
const NORMAL_CLEARING = 16;
/**
 * AST_SOFTHANGUP_SHUTDOWN: the flag `ast_softhangup_all` raises, which ChannelHangupRequest reports as its
 * `cause` (Asterisk 22.10.1 on SIGTERM: `"cause":4,"soft":true` for every channel).
 */
const SOFTHANGUP_SHUTDOWN = 4;
/** How often the hangup wait looks at the channel count. */
const POLL_MS = 10;

export interface ShutdownParts {
  readonly core: Core;
  readonly ari: AriServer;
  readonly pjsip: PjsipDriver;
  /** Every channel technology registered (PJSIP included). */
  readonly drivers: readonly ChannelDriver[];
}

/** Run the shutdown; resolves when everything is closed. */
export async function shutDown(parts: ShutdownParts, limits: ShutdownLimits = DEFAULT_SHUTDOWN_LIMITS): Promise<void> {
  const { core, ari, pjsip } = parts;
  pjsip.refuseNewCalls();
  for (const driver of parts.drivers) core.registerDriver(refusing(driver.technology));

  for (const channel of [...core.channels.list()]) channel.softHangup(SOFTHANGUP_SHUTDOWN, NORMAL_CLEARING);
  await until(() => core.channels.size === 0, limits.hangupMs);
  await core.hangupAll(NORMAL_CLEARING); // destroys what is left
  for (const bridge of [...core.bridges.list()]) core.bridges.destroy(bridge);

  await pjsip.pendingByes.whenAnswered(limits.byeMs);
  await ari.closeEventSockets(limits.socketCloseMs);
  await ari.close();
  await pjsip.close();
  await core.media.close();
}

/** A technology that makes no channel any more (Asterisk allocates none once a shutdown has begun). */
function refusing(technology: string): ChannelDriver {
  return { technology, request: () => ({ error: 'Refusing due to active shutdown' }) };
}

/** Resolves when `done()` holds, checked every POLL_MS, or after `timeoutMs`. */
async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}
