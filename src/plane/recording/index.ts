import type { MediaEngine } from '../engine.js';
import type { PlaneSettings } from '../plane-settings.js';

/** The recording feature of a media engine (commands in recording-protocol.ts). */
export function installRecording(_engine: MediaEngine, _settings: PlaneSettings): void {}
