/**
 * Switchyard's parts under the names of the Asterisk 22 modules that do the same jobs (docs/modules.md). Only
 * parts that exist here are listed. Support levels are Asterisk's for the module; descriptions say what the
 * part is in Switchyard. Whether a module can be reloaded is Asterisk's answer for it (checked on 22.10.1:
 * `PUT /ari/asterisk/modules/{name}` answers 204 or 409 "Module does not support reloading"); what a reload
 * does here is the `reload` kind.
 */
import type { SupportLevel } from '../core/modules/module-registry.js';

/**
 * What reloading a module does in Switchyard:
 *   dialplan  extensions.conf is read again and replaces the running dialplan (new calls use it);
 *   ari       ari.conf's users and passwords are read again and apply to the next request;
 *   pjsip     pjsip.conf's endpoints, AORs, auths, identifies and global options replace the running ones
 *             (pjsip-reload.ts); `pjsip-identify` does that for the identify sections only;
 *   moh       musiconhold.conf's classes replace the running ones in the media plane (media-reload.ts);
 *   indications  indications.conf's tone zones replace the running ones;
 *   rtp       rtp.conf's port range and options apply to the next RTP session;
 *   logger    every logger channel file is reopened under its name (after an outside rotation);
 *   restart   the named file is read again and its errors logged, but the part keeps its settings until the
 *             server restarts (a warning says so);
 *   nothing   Asterisk reads a file for it that Switchyard has no use for; the reload succeeds.
 */
export type ReloadKind =
  | 'dialplan'
  | 'ari'
  | 'pjsip'
  | 'pjsip-identify'
  | 'moh'
  | 'indications'
  | 'rtp'
  | 'logger'
  | { readonly restart: string }
  | 'nothing';

export interface ModuleRow {
  readonly name: string;
  readonly supportLevel: SupportLevel;
  readonly description: string;
  /** Absent: Asterisk's module cannot be reloaded (409). */
  readonly reload?: ReloadKind;
  /** The channel technology whose live channels count as the module's uses. */
  readonly technology?: string;
  /** The registered Stasis applications count as its uses. */
  readonly countsStasisApps?: true;
}

const core = (name: string, description: string, extra: Partial<ModuleRow> = {}): ModuleRow => ({
  name,
  supportLevel: 'core',
  description,
  ...extra,
});

const ARI_RESOURCES = [
  'applications',
  'asterisk',
  'bridges',
  'channels',
  'device_states',
  'endpoints',
  'events',
  'mailboxes',
  'playbacks',
  'recordings',
  'sounds',
] as const;

export const MODULE_TABLE: readonly ModuleRow[] = [
  // Built into the core (Asterisk lists these without `.so`).
  core('http', 'HTTP server for ARI, its events and media WebSockets', { reload: { restart: 'http.conf' } }),
  core('logger', 'Logger channels fed by the structured log', { reload: 'logger' }),
  core('indications', 'Country tone tables (indications.conf)', { reload: 'indications' }),
  core('dsp', 'DTMF, silence and talk detection on audio', { reload: 'nothing' }),
  core('sounds', 'Index of the sound files served by /sounds'),

  // Channel drivers.
  core('chan_pjsip.so', 'SIP channels', { technology: 'PJSIP' }),
  core('chan_rtp.so', 'UnicastRTP channels (external media over RTP)', { technology: 'UnicastRTP' }),
  {
    name: 'chan_audiosocket.so',
    supportLevel: 'extended',
    description: 'AudioSocket channels (external media over TCP)',
    technology: 'AudioSocket',
  },
  core('chan_websocket.so', 'WebSocket media channels', { technology: 'WebSocket', reload: 'nothing' }),
  core('chan_bridge_media.so', 'Announcer and Recorder channels that play to and record bridges'),

  // The SIP stack.
  core('res_pjsip.so', 'SIP transports, endpoints, AORs, contacts and qualify', { reload: 'pjsip' }),
  core('res_pjsip_session.so', 'SIP INVITE sessions, re-INVITEs and session timers'),
  core('res_pjsip_sdp_rtp.so', 'SDP offer/answer for RTP audio streams'),
  // Asterisk's reload of this module only rebuilds the id it puts in nonces; it reads no file.
  core('res_pjsip_authenticator_digest.so', 'Digest authentication of incoming SIP requests', { reload: 'nothing' }),
  core('res_pjsip_outbound_authenticator_digest.so', 'Digest credentials answered on outgoing SIP requests'),
  core('res_pjsip_endpoint_identifier_ip.so', 'Endpoint identification by source address (identify sections)', {
    reload: 'pjsip-identify',
  }),
  core('res_pjsip_endpoint_identifier_user.so', 'Endpoint identification by the From user'),
  core('res_pjsip_endpoint_identifier_anonymous.so', 'The anonymous endpoint for unidentified requests'),
  core('res_pjsip_registrar.so', 'SIP REGISTER handling and contact bindings'),
  core('res_pjsip_dtmf_info.so', 'DTMF received in SIP INFO requests'),
  core('res_pjsip_caller_id.so', 'Caller id from P-Asserted-Identity and Remote-Party-ID'),
  core('res_pjsip_header_funcs.so', 'PJSIP_HEADER and PJSIP_HEADERS dialplan functions'),
  core('res_pjsip_nat.so', 'force_rport and rewrite_contact handling'),
  core('res_rtp_asterisk.so', 'RTP and RTCP sessions', { reload: 'rtp' }),

  // ARI.
  core('res_ari.so', 'ARI request routing, users and authentication', { reload: 'ari' }),
  core('res_ari_model.so', 'ARI wire models and their validation'),
  ...ARI_RESOURCES.map((r) => core(`res_ari_${r}.so`, `ARI /${r.replace('_s', 'S')} resource`)),
  core('res_http_websocket.so', 'WebSocket server for ARI events and media'),
  core('res_websocket_client.so', 'Outgoing WebSocket connections (websocket_client.conf)', {
    reload: { restart: 'websocket_client.conf' },
  }),

  // Stasis.
  core('res_stasis.so', 'Stasis applications', { countsStasisApps: true }),
  core('res_stasis_answer.so', 'Answering channels in Stasis'),
  core('res_stasis_playback.so', 'Playbacks on channels and bridges'),
  core('res_stasis_recording.so', 'Live and stored recordings'),
  core('res_stasis_snoop.so', 'Snoop channels', { technology: 'Snoop' }),
  core('res_stasis_device_state.so', 'Device states controlled over ARI'),
  core('res_stasis_mailbox.so', 'Mailboxes controlled over ARI'),
  core('res_mwi_external.so', 'Mailbox message counts kept for ARI'),
  core('app_stasis.so', 'Stasis() dialplan application'),

  // Dialplan.
  core('pbx_config.so', 'Dialplan from extensions.conf', { reload: 'dialplan' }),
  core('app_dial.so', 'Dial() dialplan application'),
  core('app_echo.so', 'Echo() dialplan application'),
  core('app_playback.so', 'Playback() dialplan application', { reload: 'nothing' }),
  core('app_record.so', 'Record() dialplan application'),
  core('res_musiconhold.so', 'Music on hold classes and the MusicOnHold() applications', { reload: 'moh' }),
  core('func_channel.so', 'CHANNEL() dialplan function'),
  core('func_callerid.so', 'CALLERID() and CONNECTEDLINE() dialplan functions'),
  core('func_strings.so', 'LEN() dialplan function'),
  core('func_talkdetect.so', 'TALK_DETECT() dialplan function'),

  // Bridging.
  core('bridge_simple.so', 'Two-party bridging, frames relayed'),
  core('bridge_softmix.so', 'Mixing bridges'),
  core('bridge_holding.so', 'Holding bridges'),

  // Codecs and sound file formats.
  core('codec_ulaw.so', 'G.711 mu-law'),
  core('codec_alaw.so', 'G.711 A-law'),
  core('codec_g722.so', 'G.722 wideband'),
  core('codec_gsm.so', 'GSM 06.10 full rate'),
  core('codec_resample.so', 'Signed linear resampling between sample rates'),
  core('format_wav.so', 'WAV files, 8 and 16 kHz signed linear'),
  core('format_gsm.so', 'Raw GSM files'),
  core('format_pcm.so', 'Raw mu-law and A-law files'),
  core('format_sln.so', 'Raw signed linear files'),
];
