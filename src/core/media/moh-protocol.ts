/**
 * The moh part of the media plane's protocol (see media-protocol.ts): commands to a channel's media and the
 * events that come back. Plain, structured-cloneable data.
 */

/** Commands (`op` names unique across the whole protocol). */
export type MohCommand = never;

/** Events (`ev` names unique across the whole protocol). */
export type MohEvent = never;
