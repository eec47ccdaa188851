/**
 * Channel states as ARI shows them (`ast_state2str`). The model's value list says `Rsrved`, but Asterisk
 * emits `Rsrvd` (ari-models.md, Channel.state): we emit what Asterisk emits.
 */
export type ChannelState =
  | 'Down'
  | 'Rsrvd'
  | 'OffHook'
  | 'Dialing'
  | 'Ring'
  | 'Ringing'
  | 'Up'
  | 'Busy'
  | 'Dialing Offhook'
  | 'Pre-ring'
  | 'Unknown';

/** States in which ARI refuses dialplan and media operations with 412 (semantics.md §6.3). */
export function isUnansweredOutbound(state: ChannelState): boolean {
  return state === 'Down' || state === 'Rsrvd' || state === 'Ringing';
}
