/**
 * More wire differences from asking Asterisk 22.10.1 and Switchyard the same questions: the system name. Asterisk
 * reports asterisk.conf `[options]` `systemname` (or the host name with `autosystemname = yes`) and "" when neither
 * is set, in AsteriskInfo `config.name`, in `${SYSTEMNAME}` without a channel and in a channel's `${SYSTEMNAME}`,
 * and it prefixes the unique ids it makes up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';
import { ari, EventSocket } from '../helpers/ari.js';

const APP = 'wire-more';
const EXTENSIONS = '[default]\nexten => park,1,Answer()\n same => n,Wait(300)\n';

/** The three places the name shows: info, the channel-less variable, a channel's variable. */
async function names(server: TestServer): Promise<string[]> {
  const info = await ari(server, 'GET', '/asterisk/info?only=config');
  assert.equal(info.status, 200, info.text);
  const global = await ari(server, 'GET', '/asterisk/variable?variable=SYSTEMNAME');
  const events = await EventSocket.open(server, APP);
  try {
    const made = await ari(server, 'POST', `/channels?endpoint=Local/park@default&app=${APP}&channelId=sysname`);
    assert.equal(made.status, 200, made.text);
    await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === 'sysname');
    const onChannel = await ari(server, 'GET', '/channels/sysname/variable?variable=SYSTEMNAME');
    assert.equal(onChannel.status, 200, onChannel.text);
    await ari(server, 'DELETE', '/channels/sysname');
    return [info.json.config.name, global.json.value, onChannel.json.value];
  } finally {
    events.close();
  }
}

test('without systemname in asterisk.conf the system name is empty, not the host name', async () => {
  const server = await startTestServer({ 'ari.conf': ARI_CONF, 'extensions.conf': EXTENSIONS });
  try {
    assert.deepEqual(await names(server), ['', '', '']);
  } finally {
    await server.close();
  }
});

test('asterisk.conf [options] systemname is reported everywhere', async () => {
  const server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': EXTENSIONS,
    'asterisk.conf': '[options]\nsystemname = pbx-east\n',
  });
  try {
    assert.deepEqual(await names(server), ['pbx-east', 'pbx-east', 'pbx-east']);
    // Unique ids Asterisk makes up carry the name too: `<systemname>-<epoch>.<seq>`.
    const made = await ari(server, 'POST', '/channels?endpoint=Local/park@default&app=other-app');
    assert.equal(made.status, 200, made.text);
    assert.match(made.json.id, /^pbx-east-\d+\.\d+$/);
  } finally {
    await server.close();
  }
});
