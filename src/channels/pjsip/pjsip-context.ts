import type { PjsipConfig, EndpointConfig } from '../../config/pjsip-types.js';
import type { Channel } from '../../core/channel/channel.js';
import type { Core } from '../../core/core.js';
import type { SipStack } from '../../sip/ua/sip-stack.js';
import type { OutboundAuth } from '../../sip/auth/client-auth.js';
import type { CallMediaFactory, MediaOptions } from './call-media.js';
import type { PendingByes } from './pending-byes.js';

/** What every PJSIP session needs from the driver that made it. */
export interface PjsipContext {
  readonly core: Core;
  readonly stack: SipStack;
  readonly config: PjsipConfig;
  readonly media: CallMediaFactory;
  /** `PJSIP/<endpoint>-<8 hex>` from one process-wide counter (sip-reference §1.1). */
  channelName(endpoint: string): string;
  /** The media settings of an endpoint's calls. */
  mediaOptions(endpoint: EndpointConfig): MediaOptions;
  /** The endpoint's `outbound_auth` credentials. */
  outboundAuths(endpoint: EndpointConfig): OutboundAuth[];
  /** A channel of `endpoint` was created or destroyed (its `channel_ids` changed). */
  channelsChanged(endpoint: EndpointConfig, channel: Channel): void;
  /** BYEs sent and not yet answered (a shutdown waits for them). */
  readonly pendingByes: PendingByes;
  /** A shutdown has begun: new INVITEs are refused. */
  readonly isRefusingCalls: boolean;
}

/** Headers every INVITE dialog message of Switchyard carries (sip-reference §4.1). */
export const ALLOW =
  'OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH, INVITE, ACK, BYE, CANCEL, UPDATE, PRACK, MESSAGE, INFO, REFER';
export const SUPPORTED = '100rel, timer, replaces, norefersub';
