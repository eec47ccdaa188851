/**
 * The operator's call log: one JSON line (pino) per notable moment of a call, with the fields that correlate them
 * across lines and with other systems: `channel_id` (the ARI channel id), `call_id` (the SIP Call-ID of a PJSIP
 * channel, its protocol_id) and `app` (the Stasis application). Lines are written on a microtask, after the code
 * that caused them has finished: a driver fills a channel's protocol_id right after creating it, and a channel made
 * and ended in one turn still logs "created" before "destroyed".
 */
import type { Logger } from 'pino';
import { causeText } from '../core/causes.js';
import type { Channel } from '../core/channel/channel.js';
import type { CallObserver, StasisMoment } from '../core/metrics/call-observers.js';
import type { DialogIdentity, DialogListener } from '../sip/ua/sip-stack-stats.js';

/** The `event` field of each line. */
export type CallLogEvent =
  'channel_created' | 'channel_destroyed' | 'stasis_start' | 'stasis_end' | 'sip_dialog_start' | 'sip_dialog_end';

const LEVEL = 'info';

export class CallLog implements CallObserver, DialogListener {
  constructor(private readonly log: Logger) {}

  onChannelCreated(channel: Channel): void {
    if (!this.log.isLevelEnabled(LEVEL)) return;
    const fields = { event: 'channel_created', channel_id: channel.id, channel: channel.name, state: channel.state };
    queueMicrotask(() => this.log.info({ ...fields, ...callIdOf(channel) }, 'channel created'));
  }

  onChannelDestroyed(channel: Channel): void {
    if (!this.log.isLevelEnabled(LEVEL)) return;
    const fields = {
      event: 'channel_destroyed',
      channel_id: channel.id,
      channel: channel.name,
      ...callIdOf(channel),
      cause: channel.hangupCause,
      cause_txt: causeText(channel.hangupCause),
      ...(channel.techCause !== 0 && { tech_cause: channel.techCause }),
      duration_ms: Date.now() - channel.creationtime,
    };
    queueMicrotask(() => this.log.info(fields, 'channel destroyed'));
  }

  onStasisStart(moment: StasisMoment): void {
    this.#stasis('stasis_start', moment, 'Stasis application started');
  }

  onStasisEnd(moment: StasisMoment): void {
    this.#stasis('stasis_end', moment, 'Stasis application ended');
  }

  onDialogStart(dialog: DialogIdentity): void {
    this.#dialog('sip_dialog_start', dialog, 'SIP dialog started');
  }

  onDialogEnd(dialog: DialogIdentity): void {
    this.#dialog('sip_dialog_end', dialog, 'SIP dialog ended');
  }

  #stasis(event: CallLogEvent, moment: StasisMoment, message: string): void {
    if (!this.log.isLevelEnabled(LEVEL)) return;
    const channel = moment.channel;
    const fields = {
      event,
      channel_id: moment.channelId,
      app: moment.app,
      ...(channel && { channel: channel.name, ...callIdOf(channel) }),
    };
    queueMicrotask(() => this.log.info(fields, message));
  }

  #dialog(event: CallLogEvent, dialog: DialogIdentity, message: string): void {
    if (!this.log.isLevelEnabled(LEVEL)) return;
    const fields = { event, call_id: dialog.callId, local_tag: dialog.localTag, remote_tag: dialog.remoteTag };
    queueMicrotask(() => this.log.info(fields, message));
  }
}

/** `call_id` for channels whose technology has a call id of its own (the SIP Call-ID of a PJSIP channel). */
function callIdOf(channel: Channel): { call_id?: string } {
  return channel.protocolId === '' ? {} : { call_id: channel.protocolId };
}
