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
  /** Music on hold classes in `files` mode. */
  readonly mohClasses: readonly MohClassSettings[];
  /** Tone zones for `tone:` playbacks and indications (built-in ones plus indications.conf). */
  readonly indications: IndicationsData;
}

export interface MohClassSettings {
  readonly name: string;
  readonly directory: string;
  /** `sort=random` shuffles the files per channel start; `alpha` plays them in name order. */
  readonly sort: 'random' | 'alpha';
}
