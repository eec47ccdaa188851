import type { Core } from '../../core/core.js';
import type {
  Implemented,
  NotImplemented,
  ResourceHandlers,
  ServedByServer,
  ServerIdentity,
} from '../contract/implement.js';
import { resourceHandlers } from '../contract/implement.js';
import type { Handler, HandlerTable } from '../handler.js';
import type { OperationDecl, ResourceName } from '../operation.js';
import { applicationHandlers } from './applications.js';
import { asteriskHandlers } from './asterisk.js';
import { bridgeHandlers } from './bridges.js';
import { channelControlHandlers } from './channel-control.js';
import { channelExternalMediaHandlers } from './channel-external-media.js';
import { channelVariableHandlers } from './channel-variables.js';
import { channelCallHandlers } from './channels.js';
import { deviceStateHandlers } from './device-states.js';
import { endpointHandlers } from './endpoints.js';
import { eventHandlers } from './events.js';
import { mailboxHandlers } from './mailboxes.js';
import { channelMohHandlers } from './channel-moh.js';
import { channelPlaybackHandlers } from './channel-playback.js';
import { channelRecordHandlers } from './channel-record.js';
import { channelSnoopHandlers } from './channel-snoop.js';
import { channelTransferHandlers } from './channel-transfer.js';
import { playbackHandlers } from './playbacks.js';
import { recordingHandlers } from './recordings.js';
import { soundHandlers } from './sounds.js';

export type { ServerIdentity } from '../contract/implement.js';

const channelHandlers = resourceHandlers('channels', {
  ...channelCallHandlers,
  ...channelControlHandlers,
  ...channelVariableHandlers,
  ...channelPlaybackHandlers,
  ...channelRecordHandlers,
  ...channelMohHandlers,
  ...channelSnoopHandlers,
  externalMedia: channelExternalMediaHandlers.externalMedia,
  transfer_progress: channelTransferHandlers.transfer_progress,
});

/** Every operation of every resource: the typecheck fails when one is missing or under the wrong nickname. */
const ALL_HANDLERS: { readonly [R in ResourceName]: ResourceHandlers<R> } = {
  asterisk: asteriskHandlers,
  endpoints: endpointHandlers,
  channels: channelHandlers,
  bridges: bridgeHandlers,
  recordings: recordingHandlers,
  sounds: soundHandlers,
  playbacks: playbackHandlers,
  deviceStates: deviceStateHandlers,
  mailboxes: mailboxHandlers,
  events: eventHandlers,
  applications: applicationHandlers,
};

type Entry = Implemented<OperationDecl> | NotImplemented | ServedByServer;

/** The implemented operations compiled against this core; the others answer 501. */
export function buildHandlers(core: Core, identity: ServerIdentity): HandlerTable {
  const table: Partial<Record<ResourceName, Record<string, Handler>>> = {};
  for (const [resource, entries] of Object.entries(ALL_HANDLERS) as [ResourceName, Record<string, Entry>][]) {
    const compiled: Record<string, Handler> = {};
    for (const [nickname, entry] of Object.entries(entries)) {
      if ('compile' in entry) compiled[nickname] = entry.compile(core, identity);
    }
    table[resource] = compiled;
  }
  return table;
}
