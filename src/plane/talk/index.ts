import type { MediaEngine } from '../engine.js';
import type { PlaneSettings } from '../plane-settings.js';

/** The talk feature of a media engine (commands in talk-protocol.ts). */
export function installTalk(_engine: MediaEngine, _settings: PlaneSettings): void {}
