import type { MediaEngine } from './engine.js';
import type { PlaneSettings } from './plane-settings.js';

/** Give an engine its features (playback, recording, music on hold, snoop, talk detection). */
export function installFeatures(_engine: MediaEngine, _settings: PlaneSettings): void {}
