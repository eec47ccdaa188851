import type { Channel } from '../channel/channel.js';

/** Wait `ms`, or less if the channel hangs up meanwhile (ast_safe_sleep). */
export async function safeDelay(channel: Channel, ms: number): Promise<void> {
  if (channel.isHangupRequested || ms <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([new Promise<void>((r) => (timer = setTimeout(r, ms))), channel.whenHangup()]);
  clearTimeout(timer);
}
