import type { MediaEngine } from '../engine.js';
import type { PlaneSettings } from '../plane-settings.js';
import { PlaybackFeature } from './playback-feature.js';
import { PlaybackFiles } from './playback-files.js';

/** The playback feature of a media engine (commands in playback-protocol.ts); one file cache per engine. */
export function installPlayback(engine: MediaEngine, settings: PlaneSettings): void {
  engine.features.push(new PlaybackFeature(engine, settings, new PlaybackFiles(settings)));
}
