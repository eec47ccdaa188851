import { formatTimestamp as formatCreation } from '../time.js';
import type { Channel } from './channel.js';

/** DialplanCEP: where the channel is in the dialplan and which application runs there. */
export interface DialplanLocation {
  context: string;
  exten: string;
  priority: number;
  appName: string;
  appData: string;
}

/**
 * The Channel model as JSON, members in the order Asterisk 22 emits them (trace s1):
 * id, name, state, protocol_id, caller, connected, accountcode, dialplan, creationtime, language, channelvars.
 */
export function snapshotJson(ch: Channel): string {
  const loc = ch.location;
  let json =
    `{"id":${JSON.stringify(ch.id)},"name":${JSON.stringify(ch.name)},"state":${JSON.stringify(ch.state)},` +
    `"protocol_id":${JSON.stringify(ch.protocolId)},` +
    `"caller":{"name":${JSON.stringify(ch.caller.name)},"number":${JSON.stringify(ch.caller.number)}},` +
    `"connected":{"name":${JSON.stringify(ch.connected.name)},"number":${JSON.stringify(ch.connected.number)}},` +
    `"accountcode":${JSON.stringify(ch.accountcode)},` +
    `"dialplan":{"context":${JSON.stringify(loc.context)},"exten":${JSON.stringify(loc.exten)},` +
    `"priority":${loc.priority},"app_name":${JSON.stringify(loc.appName)},"app_data":${JSON.stringify(loc.appData)}},` +
    `"creationtime":${JSON.stringify(formatCreation(ch.creationtime))},"language":${JSON.stringify(ch.language)}`;
  const names = ch.host.channelvarNames;
  if (names.length > 0 || ch.reportedVars.size > 0) {
    const vars: Record<string, string> = {};
    for (const name of names) vars[name] = ch.vars.get(name) ?? '';
    for (const name of ch.reportedVars) vars[name] = ch.vars.get(name) ?? '';
    json += `,"channelvars":${JSON.stringify(vars)}`;
  }
  return json + '}';
}
