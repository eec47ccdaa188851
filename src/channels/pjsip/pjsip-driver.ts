import { sendRefer } from './refer-out.js';
import type { EndpointConfig, PjsipConfig, RtpConfig } from '../../config/pjsip-types.js';
import type { Channel } from '../../core/channel/channel.js';
import type { Core } from '../../core/core.js';
import type { ChannelDriver, ChannelRequest } from '../../core/ports.js';
import { SipAuthLimiter } from '../../sip/auth/auth-limiter.js';
import type { OutboundAuth } from '../../sip/auth/client-auth.js';
import type { SipHeader, SipRequest } from '../../sip/message/sip-message.js';
import type { ServerTransaction } from '../../sip/transaction/transaction-layer.js';
import { buildResponse } from '../../sip/ua/message-builder.js';
import { SipStack, primaryAddress, type SipSource } from '../../sip/ua/sip-stack.js';
import type { CallMediaFactory, MediaOptions } from './call-media.js';
import { resolveDialString } from './dial-string.js';
import { acceptInvite } from './inbound-invite.js';
import { answerMessage, answerOptions, answerRegister } from './out-of-dialog.js';
import { OutboundSession } from './outbound-session.js';
import { PendingByes } from './pending-byes.js';
import type { PjsipContext } from './pjsip-context.js';
import { PjsipEndpoints } from './pjsip-endpoints.js';
import { watchPjsipDeviceStates } from './pjsip-device-state.js';
import { ContactStore } from './registrar/contact-store.js';
import { EndpointIdentifier } from './registrar/identify.js';
import { Qualifier } from './registrar/qualify.js';
import { InboundAuthenticator, needsAuth, type InboundAuthResult } from './registrar/register-auth.js';
import { RtpCallMediaFactory } from './rtp-call-media.js';
import { sendMessage, sendOptions } from './send-request.js';
import { sipTransportSpecs } from './sip-transport-specs.js';

/** Seconds a caller refused by admission control is told to wait (Retry-After of the 503). */
const ADMISSION_RETRY_AFTER_S = 5;

export interface PjsipDriverOptions {
  readonly core: Core;
  readonly config: PjsipConfig;
  readonly rtp: RtpConfig;
  /** Test hook: bind every transport to this port instead of the configured one (0 = any free port). */
  readonly portOverride?: number;
  /** The per-source brake on failed digests (sip/auth/auth-limiter.ts); its defaults when absent. */
  readonly authLimiter?: SipAuthLimiter;
}

/**
 * chan_pjsip + res_pjsip: the `PJSIP/` channel technology. It owns the SIP stack, identifies and authenticates
 * inbound requests, runs the registrar and qualify, makes outbound channels, and is the ARI endpoint provider.
 */
export class PjsipDriver implements ChannelDriver, PjsipContext {
  readonly technology = 'PJSIP';
  readonly media: CallMediaFactory;
  readonly store = new ContactStore();
  readonly pendingByes = new PendingByes();
  readonly endpointsView: PjsipEndpoints;
  readonly #identifier: EndpointIdentifier;
  readonly #auth: InboundAuthenticator;
  readonly #qualifier: Qualifier;
  readonly #authLimiter: SipAuthLimiter;
  #seq = 0;
  #isRefusingCalls = false;

  private constructor(
    readonly core: Core,
    readonly config: PjsipConfig,
    readonly stack: SipStack,
    rtp: RtpConfig,
    authLimiter: SipAuthLimiter,
  ) {
    this.#authLimiter = authLimiter;
    this.media = new RtpCallMediaFactory(rtp, () => core.media);
    for (const aor of config.aors.values()) this.store.setStatic(aor);
    this.#identifier = new EndpointIdentifier({
      endpoints: config.endpoints,
      identifies: config.identifies,
      endpointIdentifierOrder: config.global.endpointIdentifierOrder,
    });
    this.#auth = new InboundAuthenticator(config.auths, { defaultRealm: config.global.defaultRealm });
    this.endpointsView = new PjsipEndpoints(config, this.store, core.endpoints);
    this.endpointsView.sendMessage = (to, message) => sendMessage(this, to, message);
    this.endpointsView.sendRefer = (to, refer) => sendRefer(this, to, refer);
    this.#qualifier = new Qualifier({
      store: this.store,
      aors: config.aors,
      sendOptions: (uri, aor) => sendOptions(this, uri, aor),
    });
    stack.user = { onRequest: (req, tx, source) => this.#onRequest(req, tx, source) };
  }

  /** Opens the transports of pjsip.conf and registers the technology with the core. */
  static async start(options: PjsipDriverOptions): Promise<PjsipDriver> {
    const { config } = options;
    const transports = sipTransportSpecs(config.transports, options.portOverride);
    const stack = await SipStack.open({ transports, userAgent: config.global.userAgent });
    const limiter = options.authLimiter ?? new SipAuthLimiter();
    const driver = new PjsipDriver(options.core, config, stack, options.rtp, limiter);
    options.core.registerDriver(driver);
    options.core.endpoints.register(driver.endpointsView);
    watchPjsipDeviceStates(options.core.deviceStates, config, driver.store);
    return driver;
  }

  channelName(endpoint: string): string {
    // One process-wide counter for every PJSIP channel (sip-reference §1.1).
    return `PJSIP/${endpoint}-${(this.#seq++ & 0xffffffff).toString(16).padStart(8, '0')}`;
  }

  channelsChanged(endpoint: EndpointConfig, channel: Channel): void {
    this.endpointsView.channelsChanged(endpoint, channel);
  }

  mediaOptions(ep: EndpointConfig): MediaOptions {
    return {
      allow: ep.allow,
      dtmfMode: ep.dtmfMode,
      symmetric: ep.rtpSymmetric,
      sdpOwner: ep.sdpOwner,
      sdpSession: ep.sdpSession,
      host: this.#mediaHost,
      sdpAddress: this.#sdpAddress,
    };
  }

  /** RTP binds where SIP listens (a wildcard bind: the machine's first real address). */
  get #mediaHost(): string {
    const bound = this.stack.transports[0]?.local.host ?? '127.0.0.1';
    return bound === '0.0.0.0' || bound === '::' ? primaryAddress(bound === '::') : bound;
  }

  /** `external_media_address` of the first transport, else the RTP address itself, goes into SDP `c=`. */
  get #sdpAddress(): string {
    return this.config.transports[0]?.externalMediaAddress || this.#mediaHost;
  }

  outboundAuths(ep: EndpointConfig): OutboundAuth[] {
    const out: OutboundAuth[] = [];
    for (const name of ep.outboundAuth) {
      const a = this.config.auths.get(name);
      if (a === undefined) continue;
      const secret = a.md5Cred !== '' ? { md5Hash: a.md5Cred } : { password: a.password };
      out.push({ username: a.username, secret, ...(a.realm === '' ? {} : { realm: a.realm }) });
    }
    return out;
  }

  /** `PJSIP/<endpoint>[/<aor>|/<uri>]`, `PJSIP/<user>@<endpoint>`: an outbound channel, Down, not yet called. */
  request(resource: string, request: ChannelRequest): Channel | { error: string } {
    const target = resolveDialString(this, resource);
    if ('error' in target) return target;
    const { endpoint } = target;
    const session = new OutboundSession(this, endpoint, target.targets);
    session.near = request.originator;
    const channel = this.core.newChannel({
      id: request.id,
      name: this.channelName(endpoint.name),
      endpoint: `PJSIP/${endpoint.name}`,
      tech: session,
      state: 'Down',
      location: { context: endpoint.context, exten: 's', priority: 1, appName: 'AppDial2', appData: '(Outgoing Line)' },
    });
    session.channel = channel;
    channel.protocolId = session.callId;
    if (endpoint.language !== '') channel.language = endpoint.language;
    channel.touch();
    this.channelsChanged(endpoint, channel);
    return channel;
  }

  /**
   * From now on a new INVITE is answered 100 Trying then 503 Service Unavailable, as Asterisk 22 answers when
   * it refuses to allocate channels during a shutdown. Calls already up go on until they are hung up.
   */
  refuseNewCalls(): void {
    this.#isRefusingCalls = true;
  }

  /** Shutting down: a new INVITE gets 503 (inbound-invite.ts). */
  get isRefusingCalls(): boolean {
    return this.#isRefusingCalls;
  }

  #onRequest(req: SipRequest, tx: ServerTransaction, source: SipSource): void {
    // A source refused for repeated digest failures learns nothing more, and costs no digest (auth-limiter.ts).
    if (this.#authLimiter.isRefused(source.host)) return this.stack.respond(req, tx, 403, 'Forbidden');
    const ep = this.#identifier.identify(req, source);
    if (ep === undefined) return this.#authFailed(req, tx, source, this.#auth.artificialChallenge());
    if (needsAuth(req, ep, false)) {
      const r = this.#auth.check(req, ep);
      if (!r.ok) return this.#authFailed(req, tx, source, r);
    }
    switch (req.method) {
      case 'INVITE':
        if (!SipStack.isInviteTransaction(tx)) return;
        // Over asterisk.conf's limits (core/admission.ts): RFC 3261 §21.5.4, try again after Retry-After.
        if (this.core.admission.refusal() !== undefined) {
          return this.stack.respond(req, tx, 503, 'Service Unavailable', [['Retry-After', String(ADMISSION_RETRY_AFTER_S)]]); // prettier-ignore
        }
        void acceptInvite(this, ep, req, tx, source).catch(() =>
          this.stack.respond(req, tx, 500, 'Server Internal Error'),
        );
        return;
      case 'REGISTER':
        return answerRegister(this, this.store, ep, req, tx, source);
      case 'OPTIONS':
        return answerOptions(this, ep, req, tx);
      case 'MESSAGE':
        return answerMessage(this, this.endpointsView, ep, req, tx, source);
      case 'BYE':
        return this.stack.respond(req, tx, 481, 'Call/Transaction Does Not Exist');
      default:
        return this.stack.respond(req, tx, 501, 'Not Implemented');
    }
  }

  /** The 401 (held back after repeated failures), or the 403 once the source is refused. */
  #authFailed(req: SipRequest, tx: ServerTransaction, source: SipSource, r: InboundAuthResult & { ok: false }): void {
    const action = this.#authLimiter.failed(source.host, req.headerLines('authorization').length > 0, r.isStale);
    if (action.kind === 'refuse') return this.stack.respond(req, tx, 403, 'Forbidden');
    if (action.delayMs === 0) return this.#challenge(req, tx, r.headers);
    setTimeout(() => this.#challenge(req, tx, r.headers), action.delayMs).unref();
  }

  /** A stateless-looking 401 whose To tag is the request's branch (sip-reference §4.10). */
  #challenge(req: SipRequest, tx: ServerTransaction, challenge: readonly SipHeader[]): void {
    const res = buildResponse(req, 401, 'Unauthorized', {
      toTag: req.topVia?.branch ?? 'auth',
      headers: [['Server', this.stack.userAgent], ...challenge.map((h) => [h.name, h.value] as const)],
    });
    this.stack.sendResponse(tx, res);
  }

  async close(): Promise<void> {
    this.#qualifier.close();
    this.endpointsView.close();
    this.store.close();
    await this.stack.close();
  }
}
