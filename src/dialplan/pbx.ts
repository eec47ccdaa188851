import { SoftHangup } from '../core/causes.js';
import type { Channel } from '../core/channel/channel.js';
import type { Core } from '../core/core.js';
import type { DialplanPort, DialplanTarget } from '../core/ports.js';
import type { Dialplan } from './dialplan.js';
import { substitute, type SubstitutionScope } from './substitute.js';
import { APPLICATIONS } from './apps/index.js';
import type { AppResult } from './apps/app.js';

export interface PbxLogger {
  warn(obj: object, msg?: string): void;
}

/**
 * The dialplan interpreter (pbx.c `__ast_pbx_run`): runs priorities one after another on a channel,
 * substituting variables into the application data, until the channel hangs up or the dialplan ends;
 * then the `h` extension, then the channel is destroyed.
 */
export class Pbx implements DialplanPort {
  /** The `stasis-<app>` contexts made by addStasisContext (not those extensions.conf defines). */
  readonly #stasisContexts = new Set<string>();

  constructor(
    private readonly core: Core,
    readonly dialplan: Dialplan,
    private readonly log?: PbxLogger,
  ) {}

  exists(context: string, exten: string, priority: number): boolean {
    return this.dialplan.exists(context, exten, priority);
  }

  findLabel(context: string, exten: string, label: string): number | undefined {
    if (/^\d+$/.test(label)) return Number(label);
    return this.dialplan.findLabel(context, exten, label);
  }

  addStasisContext(app: string): void {
    const context = `stasis-${app}`;
    if (this.dialplan.hasContext(context)) return;
    this.dialplan.addContext(context);
    this.dialplan.addPriority(context, '_.', 1, 'Stasis', app);
    this.dialplan.addPriority(context, 'h', 1, 'NoOp', '');
    this.#stasisContexts.add(context);
  }

  /** An unregistered app's context goes with it, when it was made for the app (res/stasis app.c app_dtor). */
  removeStasisContext(app: string): void {
    const context = `stasis-${app}`;
    if (this.#stasisContexts.delete(context)) this.dialplan.removeContext(context);
  }

  scopeFor(channel: Channel): SubstitutionScope {
    const variables = this.core.variables;
    return {
      variable: (name) => {
        try {
          return variables.read(channel, name);
        } catch {
          return undefined;
        }
      },
      func: (name, args) => {
        try {
          return variables.callFunction(channel, name.toUpperCase(), args);
        } catch {
          return undefined;
        }
      },
    };
  }

  async run(channel: Channel, target: DialplanTarget): Promise<void> {
    channel.hasPbx = true;
    try {
      await this.#runFrom(channel, target, false);
      if (!channel.isDestroyed) {
        // pbx.c notices the hangup itself (a soft hangup) unless the last request already was one.
        if (!channel.lastHangupWasSoft) channel.softHangup(SoftHangup.APPUNLOAD);
        await this.#runHangupExtension(channel);
      }
    } catch (err) {
      this.log?.warn({ err, channel: channel.name }, 'dialplan failed');
    } finally {
      channel.hasPbx = false;
      channel.destroy();
    }
  }

  /** Run priorities from `target`; returns when the channel hangs up or no next priority exists. */
  async #runFrom(channel: Channel, start: DialplanTarget, inHangupExten: boolean): Promise<void> {
    let { context, exten, priority } = start;
    const scope = this.scopeFor(channel);
    for (;;) {
      if (!inHangupExten && channel.isHangupRequested) return;
      const step = this.dialplan.findPriority(context, exten, priority, channel.caller.number);
      if (!step) {
        channel.setLocation({ context, exten, priority, appName: '', appData: '' }, { silent: true });
        return;
      }
      const data = substitute(step.appData, scope);
      channel.setLocation({ context, exten, priority, appName: step.app, appData: data });
      const app = APPLICATIONS[step.app.toLowerCase()];
      let result: AppResult;
      if (!app) {
        this.log?.warn({ app: step.app, context, exten, priority }, 'no such dialplan application');
        result = { hangup: true };
      } else {
        result = await app({ channel, core: this.core, pbx: this, data, inHangupExten });
      }
      if (result?.goto) {
        ({ context, exten, priority } = result.goto);
        continue;
      }
      if (result?.hangup && !inHangupExten) return;
      priority++;
    }
  }

  async #runHangupExtension(channel: Channel): Promise<void> {
    const context = channel.location.context;
    if (!this.dialplan.exists(context, 'h', 1)) return;
    await this.#runFrom(channel, { context, exten: 'h', priority: 1 }, true);
  }
}
