/**
 * The typed form of the pjsip.conf subset Switchyard reads (res_pjsip sorcery objects: transport, endpoint,
 * aor, auth, identify, global) and of rtp.conf. Defaults are Asterisk 22's; option names keep Asterisk's
 * spelling in the comments so a reader can find them in pjsip.conf.sample.
 */

export type PjsipProtocol = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

export type DtmfMode = 'rfc4733' | 'inband' | 'info' | 'auto' | 'auto_info' | 'none';

/** Codec names as written in `allow=`: G.711, G.722 and 16 kHz signed linear (L16/16000). */
export type CodecName = 'ulaw' | 'alaw' | 'g722' | 'slin16';

export interface TransportConfig {
  readonly name: string;
  /** `protocol` (udp). */
  readonly protocol: PjsipProtocol;
  /** `bind` host (without brackets) and port (5060, 5061 for tls). */
  readonly host: string;
  readonly port: number;
  /** `external_signaling_address` / `external_media_address`, '' when unset. */
  readonly externalSignalingAddress: string;
  readonly externalMediaAddress: string;
  /** `local_net` CIDRs, as written. */
  readonly localNet: readonly string[];
  /** The TLS options (cert_file, method, verify_*...), present once any of them is set (pjsip-tls-config.ts). */
  readonly tls?: TransportTlsConfig;
}

/** res_pjsip transport TLS options; paths as written, switches with Asterisk's defaults (all `no`). */
export interface TransportTlsConfig {
  /** `cert_file`, `priv_key_file`, `ca_list_file`, `ca_list_path`: '' when unset. */
  readonly certFile: string;
  readonly privKeyFile: string;
  readonly caListFile: string;
  readonly caListPath: string;
  /** `password` of the private key, '' when unset. */
  readonly password: string;
  /** `cipher` names joined with ':' (OpenSSL list syntax), '' = the library default. */
  readonly cipher: string;
  /** `method`: a pinned protocol version, or undefined for the default (TLSv1.2 and later). */
  readonly method: 'tlsv1' | 'tlsv1_1' | 'tlsv1_2' | 'tlsv1_3' | undefined;
  readonly verifyClient: boolean;
  readonly verifyServer: boolean;
  readonly requireClientCert: boolean;
}

export interface EndpointConfig {
  readonly name: string;
  /** `context` (default). */
  readonly context: string;
  /** `message_context`, '' when unset (then `context`). */
  readonly messageContext: string;
  /** `allow`/`disallow` applied in order: the codecs in preference order; empty = none (calls fail 488). */
  readonly allow: readonly CodecName[];
  /** `dtmf_mode` (rfc4733). */
  readonly dtmfMode: DtmfMode;
  /** `callerid` parsed: name and number, '' when unset. */
  readonly callerIdName: string;
  readonly callerIdNumber: string;
  /** `from_user` / `from_domain`, '' when unset. */
  readonly fromUser: string;
  readonly fromDomain: string;
  /** `aors`, `auth`, `outbound_auth`: names of sections, in order. */
  readonly aors: readonly string[];
  readonly auth: readonly string[];
  readonly outboundAuth: readonly string[];
  /** `transport`, '' = any. */
  readonly transport: string;
  /** `identify_by` (username,ip). */
  readonly identifyBy: readonly string[];
  /** `rtp_symmetric` (no), `force_rport` (yes), `rewrite_contact` (no), `direct_media` (yes). */
  readonly rtpSymmetric: boolean;
  readonly forceRport: boolean;
  readonly rewriteContact: boolean;
  readonly directMedia: boolean;
  /** `trust_id_inbound` (no). */
  readonly trustIdInbound: boolean;
  /** `moh_suggest` (default), `moh_passthrough` (no). */
  readonly mohSuggest: string;
  readonly mohPassthrough: boolean;
  /** `allow_transfer` (yes): a REFER received on a call is refused 603 when no (absent = yes). */
  readonly allowTransfer?: boolean;
  /** `language` ('' = the channel default). */
  readonly language: string;
  /** `sdp_owner` (-), `sdp_session` (Asterisk). */
  readonly sdpOwner: string;
  readonly sdpSession: string;
  /** `rtp_timeout` seconds (0 = never). */
  readonly rtpTimeout: number;
  /** `device_state_busy_at`: this many calls make the PJSIP device BUSY (unset or 0 = never). */
  readonly deviceStateBusyAt?: number;
  /** `ignore_183_without_sdp` (no), `suppress_q850_reason_headers` (no), `allow_unauthenticated_options` (no). */
  readonly ignore183WithoutSdp: boolean;
  readonly suppressQ850ReasonHeaders: boolean;
  readonly allowUnauthenticatedOptions: boolean;
}

export interface AorConfig {
  readonly name: string;
  /** `contact`: static contact URIs, always dialled. */
  readonly contacts: readonly string[];
  /** `max_contacts` (0: REGISTER refused with 403). */
  readonly maxContacts: number;
  /** `remove_existing` (no). */
  readonly removeExisting: boolean;
  /** `qualify_frequency` seconds (0 = never), `qualify_timeout` seconds (3.0). */
  readonly qualifyFrequency: number;
  readonly qualifyTimeout: number;
  /** `qualify_2xx_only` (no): only a 2xx to the qualify OPTIONS makes a contact Reachable. */
  readonly qualify2xxOnly: boolean;
  /** `remove_unavailable` (no): with remove_existing, Unreachable bindings are replaced first. */
  readonly removeUnavailable: boolean;
  /** `default_expiration` (3600), `minimum_expiration` (60), `maximum_expiration` (7200). */
  readonly defaultExpiration: number;
  readonly minimumExpiration: number;
  readonly maximumExpiration: number;
}

export interface AuthConfig {
  readonly name: string;
  /** `auth_type`: userpass and md5 are read as digest. */
  readonly authType: 'digest' | 'md5';
  readonly username: string;
  /** `password` ('' when unset) or `md5_cred` (hex of MD5(username:realm:password), '' when unset). */
  readonly password: string;
  readonly md5Cred: string;
  /** `realm`, '' = the global default_realm. */
  readonly realm: string;
  /** `nonce_lifetime` seconds (32). */
  readonly nonceLifetime: number;
  /** `supported_algorithms_uas` (MD5): digest algorithms offered in our challenges (RFC 8760), in that order. */
  readonly algorithmsUas: readonly ('MD5' | 'SHA-256' | 'SHA-512-256')[];
}

export interface IdentifyMatch {
  /** Network address (IPv4 or IPv6, no brackets) and prefix length (32/128 for a single host). */
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
  /** A port when the match was written `ip:port`. */
  readonly port?: number;
}

export interface IdentifyConfig {
  readonly name: string;
  readonly endpoint: string;
  readonly match: readonly IdentifyMatch[];
}

export interface PjsipGlobalConfig {
  /** `user_agent` (Asterisk PBX <version>; we write Switchyard's). */
  readonly userAgent: string;
  /** `default_from_user` (asterisk), `default_realm` (asterisk). */
  readonly defaultFromUser: string;
  readonly defaultRealm: string;
  /** `max_forwards` (70), `keep_alive_interval` (90). */
  readonly maxForwards: number;
  readonly keepAliveInterval: number;
  /** `default_outbound_endpoint` ('' when unset). */
  readonly defaultOutboundEndpoint: string;
  /** `endpoint_identifier_order` (ip,username,anonymous). */
  readonly endpointIdentifierOrder: readonly string[];
}

export interface PjsipConfig {
  readonly global: PjsipGlobalConfig;
  readonly transports: readonly TransportConfig[];
  readonly endpoints: ReadonlyMap<string, EndpointConfig>;
  readonly aors: ReadonlyMap<string, AorConfig>;
  readonly auths: ReadonlyMap<string, AuthConfig>;
  readonly identifies: readonly IdentifyConfig[];
}

export interface RtpConfig {
  /** `rtpstart` / `rtpend` (5000 / 31000 built in). */
  readonly rtpStart: number;
  readonly rtpEnd: number;
  /** `rtcpinterval` ms (5000, clamped to 500–60000). */
  readonly rtcpInterval: number;
  /** `strictrtp` (yes) and `probation` (4). */
  readonly strictRtp: boolean;
  readonly probation: number;
  /** `dtmftimeout` ms (150, from 1200 samples at 8 kHz). */
  readonly dtmfTimeout: number;
}
