/**
 * What the media plane needs to know from the configuration, as plain data (it crosses into the workers): where
 * sounds, music on hold and recordings live, and the tone zones.
 */
export interface PlaneSettings {
  /** Directory holding `<lang>/<name>.<ext>` sounds (Asterisk's `<astdatadir>/sounds`). */
  readonly soundsDir: string;
  /** Where recordings are written (`<astspooldir>/recording`). */
  readonly recordingsDir: string;
  /** Music on hold classes in `files` mode. */
  readonly mohClasses: readonly MohClassSettings[];
}

export interface MohClassSettings {
  readonly name: string;
  readonly directory: string;
  /** `sort=random` shuffles the files per channel start; `alpha` plays them in name order. */
  readonly sort: 'random' | 'alpha';
}

/** Debian's locations (asterisk-core-sounds-*, asterisk-moh-opsound-wav) when no asterisk.conf says otherwise. */
export const DEFAULT_PLANE_SETTINGS: PlaneSettings = {
  soundsDir: '/usr/share/asterisk/sounds',
  recordingsDir: '/var/spool/asterisk/recording',
  mohClasses: [{ name: 'default', directory: '/usr/share/asterisk/moh', sort: 'random' }],
};
