/**
 * The checks res/ari/config.c makes on `type=outbound_websocket` sections once ari.conf and websocket_client.conf
 * are both read (the section's own options were checked by parseAriConfig): the connection must exist, no two
 * sections may name the same app, and `local_ari_user` must be a user with a plain password (Asterisk needs
 * the password itself to authorize the app's REST requests). A section failing any check is not started.
 */
import type { AriConfig, AriOutboundWebSocket } from '../../config/ari-config.js';
import type { WebSocketClientConfig } from '../../config/websocket-client-config.js';

/** A section that passed every check, with what it needs to run. */
export interface ResolvedOutboundWebSocket {
  readonly config: AriOutboundWebSocket;
  readonly client: WebSocketClientConfig;
  readonly connectionType: 'persistent' | 'per_call_config';
  /** local_ari_user's plain password. */
  readonly password: string;
}

export interface OutboundResolution {
  readonly valid: readonly ResolvedOutboundWebSocket[];
  /** One line per problem, prefixed with the section name as Asterisk logs them. */
  readonly errors: readonly string[];
}

export function resolveOutboundWebSockets(
  ari: Pick<AriConfig, 'outboundWebsockets' | 'users'>,
  clients: ReadonlyMap<string, WebSocketClientConfig>,
): OutboundResolution {
  const valid: ResolvedOutboundWebSocket[] = [];
  const errors: string[] = [];
  const all = [...ari.outboundWebsockets.values()];
  for (const owc of all) {
    const problems: string[] = [];
    const client = clients.get(owc.websocketClientId);
    if (client === undefined) {
      problems.push(`Outbound websocket invalid websocket client id '${owc.websocketClientId}'`);
    } else if (client.connectionType === undefined) {
      problems.push(`Websocket client '${client.name}' has no connection_type (persistent or per_call_config)`);
    }
    for (const other of all) {
      if (other === owc) continue;
      for (const app of owc.apps) {
        if (other.apps.includes(app)) {
          problems.push(`Outbound websocket '${other.name}' is also trying to register app '${app}'`);
        }
      }
    }
    const user = ari.users.get(owc.localAriUser);
    if (user === undefined) problems.push(`Outbound websocket ARI user '${owc.localAriUser}' not found`);
    else if (user.passwordFormat !== 'plain') {
      problems.push(`Outbound websocket ARI user '${owc.localAriUser}' password MUST be plain text`);
    }
    for (const p of problems) errors.push(`${owc.name}: ${p}`);
    if (problems.length > 0 || client?.connectionType === undefined || user === undefined) continue;
    valid.push({ config: owc, client, connectionType: client.connectionType, password: user.password });
  }
  return { valid, errors };
}
