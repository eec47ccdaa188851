import { installAudioSocket } from './audiosocket/index.js';
import type { MediaEngine } from './engine.js';
import { installMixer } from './mixer/index.js';
import { installMoh } from './moh/index.js';
import type { PlaneSettings } from './plane-settings.js';
import { installPlayback } from './playback/index.js';
import { installRecording } from './recording/index.js';
import { installSnoop } from './snoop/index.js';
import { installTalk } from './talk/index.js';
import { installWebSocket } from './websocket/index.js';

/** Give an engine its features: playback, recording, music on hold and silence, snoop, talk detection. */
export function installFeatures(engine: MediaEngine, settings: PlaneSettings): void {
  installPlayback(engine, settings);
  installRecording(engine, settings);
  installMoh(engine, settings);
  installSnoop(engine, settings);
  installTalk(engine, settings);
  installMixer(engine);
  installWebSocket(engine, settings);
  installAudioSocket(engine, settings);
}
