import type { MohClassConfig } from '../config/media-config.js';
import type { IndicationsData } from '../media/tones/tone-zones.js';

/**
 * What the media plane needs to know from the configuration, as plain data (it is copied into each worker):
 * where sounds, music on hold and recordings live, and the tone zones.
 */
export interface PlaneSettings {
  /** Directory holding `<lang>/<name>.<ext>` sounds (Asterisk's `<astdatadir>/sounds`). */
  readonly soundsDir: string;
  /** Where recordings are written (`<astspooldir>/recording`). */
  readonly recordingsDir: string;
  /** Music on hold classes (files and playlist modes). */
  readonly mohClasses: readonly MohClassSettings[];
  /** Tone zones for `tone:` playbacks and indications (built-in ones plus indications.conf). */
  readonly indications: IndicationsData;
}

/** A music on hold class as musiconhold.conf gives it (modes files and playlist). */
export type MohClassSettings = MohClassConfig;
