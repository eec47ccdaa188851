import type { MediaEngine } from '../engine.js';
import type { PlaneSettings } from '../plane-settings.js';

/** The moh feature of a media engine (commands in moh-protocol.ts). */
export function installMoh(_engine: MediaEngine, _settings: PlaneSettings): void {}
