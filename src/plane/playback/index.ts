import type { MediaEngine } from '../engine.js';
import type { PlaneSettings } from '../plane-settings.js';

/** The playback feature of a media engine (commands in playback-protocol.ts). */
export function installPlayback(_engine: MediaEngine, _settings: PlaneSettings): void {}
