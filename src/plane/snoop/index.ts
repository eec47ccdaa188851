import type { MediaEngine } from '../engine.js';
import type { PlaneSettings } from '../plane-settings.js';

/** The snoop feature of a media engine (commands in snoop-protocol.ts). */
export function installSnoop(_engine: MediaEngine, _settings: PlaneSettings): void {}
