import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BridgePeers } from '../../../src/core/bridge/bridge-peers.js';
import { Channel, type ChannelHost } from '../../../src/core/channel/channel.js';
import type { ChannelTech } from '../../../src/core/channel/channel-tech.js';

interface Varset {
  channel: string;
  variable: string;
  value: string;
}

/** Channels whose ChannelVarset events land in `log`; `callId` gives the tech a pvt id as chan_pjsip has. */
function channels(log: Varset[]) {
  let n = 0;
  return (name: string, callId?: string): Channel => {
    const host: ChannelHost = {
      publish: (type, fields, route) => {
        if (type !== 'ChannelVarset') return;
        const f = fields as { variable: string; value: string };
        log.push({ channel: route.channels?.[0]?.name ?? '?', variable: f.variable, value: f.value });
      },
      channelvarNames: [],
      onDestroyed: () => {},
    };
    const tech: ChannelTech = {
      technology: name.split('/')[0]!,
      call: () => ({ ok: true }),
      answer: () => {},
      hangup: () => {},
      indicate: () => {},
      write: () => {},
      ...(callId !== undefined && { pvtUniqueId: () => callId }),
    };
    const location = { context: 'default', exten: 's', priority: 1, appName: '', appData: '' };
    return new Channel(host, `id-${n++}`, name, tech, 'Up', location);
  };
}

test('two parties name each other; a third joining a two-party bridge is named first (technology change)', () => {
  const log: Varset[] = [];
  const make = channels(log);
  const [a, b, ann] = [make('Local/a-00000000;1'), make('Local/b-00000001;1'), make('Announcer/ARI-00000002;2')];
  const peers = new BridgePeers();
  peers.join(a);
  peers.join(b);
  peers.reconfigured('simple_bridge');
  assert.equal(a.getVariable('BRIDGEPEER'), 'Local/b-00000001;1');
  assert.equal(b.getVariable('BRIDGEPEER'), 'Local/a-00000000;1');
  peers.join(ann);
  peers.reconfigured('softmix');
  // trace s4: "Announcer/ARI-00000008;2,Local/echo@default-00000007;1"
  assert.equal(a.getVariable('BRIDGEPEER'), 'Announcer/ARI-00000002;2,Local/b-00000001;1');
  assert.equal(b.getVariable('BRIDGEPEER'), 'Announcer/ARI-00000002;2,Local/a-00000000;1');
  peers.leave(ann);
  peers.reconfigured('simple_bridge');
  assert.equal(a.getVariable('BRIDGEPEER'), 'Local/b-00000001;1');
  // A fourth party joining an already mixing bridge goes to the end.
  const [c, d] = [make('Local/c;1'), make('Local/d;1')];
  peers.join(c);
  peers.reconfigured('softmix');
  peers.join(d);
  peers.reconfigured('softmix');
  assert.equal(a.getVariable('BRIDGEPEER'), 'Local/c;1,Local/b-00000001;1,Local/d;1');
  assert.equal(d.getVariable('BRIDGEPEER'), 'Local/c;1,Local/a-00000000;1,Local/b-00000001;1');
});

test('a leaving channel has its BRIDGEPEER removed (one event with an empty value); a lone member keeps its own', () => {
  const log: Varset[] = [];
  const make = channels(log);
  const [a, b] = [make('A'), make('B')];
  const peers = new BridgePeers();
  peers.join(a);
  peers.join(b);
  peers.reconfigured('simple_bridge');
  log.length = 0;
  peers.leave(b);
  peers.reconfigured('simple_bridge');
  assert.deepEqual(log, [{ channel: 'B', variable: 'BRIDGEPEER', value: '' }]);
  assert.equal(b.getVariable('BRIDGEPEER'), undefined);
  assert.equal(a.getVariable('BRIDGEPEER'), 'B');
});

test('BRIDGEPVTCALLID carries a two-party peer’s technology call id and goes when the bridge grows', () => {
  const log: Varset[] = [];
  const make = channels(log);
  const [a, b, c] = [make('PJSIP/a-1', 'call-a@h'), make('PJSIP/b-2', 'call-b@h'), make('Local/c;1')];
  const peers = new BridgePeers();
  peers.join(a);
  peers.join(b);
  peers.reconfigured('simple_bridge');
  assert.equal(a.getVariable('BRIDGEPVTCALLID'), 'call-b@h');
  assert.equal(b.getVariable('BRIDGEPVTCALLID'), 'call-a@h');
  peers.join(c);
  peers.reconfigured('softmix');
  assert.equal(a.getVariable('BRIDGEPVTCALLID'), undefined);
  assert.equal(c.getVariable('BRIDGEPVTCALLID'), undefined);
});

test('a holding bridge clears BRIDGEPEER; a multiparty list names at most ten others', () => {
  const log: Varset[] = [];
  const make = channels(log);
  const peers = new BridgePeers();
  const many = Array.from({ length: 13 }, (_, i) => make(`L/${i}`));
  for (const ch of many) peers.join(ch);
  peers.reconfigured('softmix');
  const firstEleven = many.slice(0, 11).map((c) => c.name);
  assert.equal(many[0]!.getVariable('BRIDGEPEER'), firstEleven.slice(1).join(','));
  // Past the eleventh, members get the list the eleventh got: the first ten.
  assert.equal(many[12]!.getVariable('BRIDGEPEER'), firstEleven.slice(0, 10).join(','));
  const holding = new BridgePeers();
  holding.join(many[0]!);
  holding.join(many[1]!);
  holding.reconfigured('holding_bridge');
  assert.equal(many[0]!.getVariable('BRIDGEPEER'), undefined);
});
