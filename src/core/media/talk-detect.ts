import type { Core } from '../core.js';

/** TALK_DETECT(set|remove): talk detection on a channel's audio, published as ChannelTalkingStarted/Finished. */
export function installTalkDetect(_core: Core): void {}
