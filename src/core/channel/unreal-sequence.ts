/**
 * The 8-hex-digit sequence in the names of unreal channels (core_unreal.c ast_unreal_new_channels): Local
 * pairs and the helper channels of bridge media (`Announcer/ARI-…;2`, `Announcer/ARI_MOH-…;2`,
 * `Recorder/ARI-…;2`) draw from one counter, so a bridge playback between two Local originates takes the
 * next number after them (trace s4: Local …06, …07, then Announcer/ARI-00000008;2).
 */
const SEQUENCE_MASK = 0xffffffff;
const SEQUENCE_DIGITS = 8;

export class UnrealSequence {
  #next = 0;

  /** The next suffix, as Asterisk prints it: lower-case hex, zero-padded to eight digits, wrapping at 2^32. */
  next(): string {
    const value = this.#next;
    this.#next = (this.#next + 1) & SEQUENCE_MASK;
    return (value >>> 0).toString(16).padStart(SEQUENCE_DIGITS, '0');
  }
}
