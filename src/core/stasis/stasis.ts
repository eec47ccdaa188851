import type { Channel } from '../channel/channel.js';
import type { EventBus } from '../events/event-bus.js';
import type { StasisApp } from './stasis-app.js';
import type { StasisApps } from './stasis-apps.js';
import { StasisControl, type ContinueTarget } from './stasis-control.js';
import type { SubscriptionIndex } from './subscription-index.js';

export type StasisOutcome = { status: 'FAILED' } | { status: 'SUCCESS'; continueAt?: ContinueTarget };

/** A per-call app made for one channel's stay (ari.conf per_call_config outbound WebSockets). */
export interface PerCallLease {
  /** The app the channel enters instead of the one named (`<app>:<channel name>`). */
  readonly app: string;
  /** The channel left Stasis. */
  release(): void;
}

/** app_stasis.c: asked when Stasis(app) names an app that is not registered. */
export interface PerCallApps {
  open(channel: Channel, app: string): Promise<PerCallLease | undefined>;
}

/** The control of a channel that is in a Stasis application, if any. */
export function controlOf(channel: Channel): StasisControl | undefined {
  return channel.stasis instanceof StasisControl ? channel.stasis : undefined;
}

/** How long a hung-up channel waits for its queued commands before leaving Stasis anyway. */
const DRAIN_LIMIT_MS = 5000;

/** The control's queue drained, or DRAIN_LIMIT_MS passed (a command that ignores the hangup cannot hold it). */
async function drainedOrLate(control: StasisControl): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([control.drained(), new Promise<void>((r) => (timer = setTimeout(r, DRAIN_LIMIT_MS)))]);
  clearTimeout(timer);
}

/**
 * Running channels in Stasis applications (res_stasis.c stasis_app_exec): StasisStart, the stay with its
 * queued commands, move between apps, and StasisEnd with STASISSTATUS.
 */
export class Stasis {
  /** Called when a channel leaves Stasis, before StasisEnd (a bridged channel leaves its bridge first). */
  onLeave: (channel: Channel) => void = () => {};
  /** Told after StasisStart / StasisEnd went out (the operator's call log and metrics). */
  onStasis: ((kind: 'start' | 'end', channel: Channel, app: string) => void) | undefined;
  /** Outbound per-call WebSockets, when ari.conf has any. */
  perCall: PerCallApps | undefined;

  constructor(
    readonly apps: StasisApps,
    readonly index: SubscriptionIndex,
    private readonly bus: EventBus,
  ) {}

  subscribe(app: StasisApp, channel: Channel): void {
    if (!channel.isDestroyed) this.index.subscribe(app, 'channel:' + channel.id);
  }

  /** Put the channel in `appName` until it hangs up, continues in the dialplan or fails to enter. */
  async exec(channel: Channel, appName: string, args: readonly string[]): Promise<StasisOutcome> {
    // §3.2: STASISSTATUS is cleared first; an app that is unknown or whose socket closed fails at once.
    channel.setVariable('STASISSTATUS', '');
    // app_stasis.c: only a name that is not registered at all may get a per-call connection.
    const lease = this.perCall && !this.apps.get(appName) ? await this.perCall.open(channel, appName) : undefined;
    if (lease === undefined) return this.#exec(channel, appName, args);
    try {
      return await this.#exec(channel, lease.app, args);
    } finally {
      lease.release();
    }
  }

  async #exec(channel: Channel, appName: string, args: readonly string[]): Promise<StasisOutcome> {
    const app = this.apps.get(appName);
    if (!app?.isActive) {
      channel.setVariable('STASISSTATUS', 'FAILED');
      return { status: 'FAILED' };
    }
    const control = new StasisControl(channel, app, args);
    channel.stasis = control;
    const previousReader = channel.reader;
    // In Stasis the channel is read (so DTMF is published) but audio goes nowhere until bridged.
    channel.reader = () => {};
    this.#start(control);
    let continueAt: ContinueTarget | undefined;
    for (;;) {
      const wake = await control.next();
      if (wake.kind === 'move') {
        this.#end(control);
        control.app = wake.app;
        control.args = wake.args;
        // The app left behind may have nothing to keep it registered any more (res_stasis.c does the same).
        this.apps.sweep();
        this.#start(control);
        continue;
      }
      if (wake.kind === 'continue') continueAt = wake.target;
      // On hangup the commands already queued run (each ends quickly on a hung-up channel) before StasisEnd.
      else await drainedOrLate(control);
      break;
    }
    this.onLeave(channel);
    channel.stasis = undefined;
    channel.reader = previousReader;
    this.#end(control);
    this.apps.sweep();
    channel.setVariable('STASISSTATUS', 'SUCCESS');
    return continueAt ? { status: 'SUCCESS', continueAt } : { status: 'SUCCESS' };
  }

  /**
   * §4.7: move to another app. When the target is not registered or not active the channel stays and its
   * current app gets ApplicationMoveFailed.
   */
  move(control: StasisControl, appName: string, args: readonly string[]): void {
    const target = this.apps.get(appName);
    if (!target?.isActive) {
      this.bus.publish(
        'ApplicationMoveFailed',
        { channel: control.channel.snapshot(), destination: appName, args },
        { app: control.app },
      );
      return;
    }
    control.wake({ kind: 'move', app: target, args });
  }

  #start(control: StasisControl): void {
    this.index.subscribe(control.app, 'channel:' + control.channel.id);
    this.bus.publish('StasisStart', { args: control.args, channel: control.channel.snapshot() }, { app: control.app });
    this.onStasis?.('start', control.channel, control.app.name);
  }

  #end(control: StasisControl): void {
    this.bus.publish('StasisEnd', { channel: control.channel.snapshot() }, { app: control.app });
    this.onStasis?.('end', control.channel, control.app.name);
    if (!control.channel.isDestroyed) this.index.unsubscribe(control.app, 'channel:' + control.channel.id);
  }
}
