/** The context swap behind a pbx_config.so reload, on dialplans built from extensions.conf text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replaceFileContexts } from '../../src/app-modules/dialplan-reload.js';
import { parseConf } from '../../src/config/conf-parser.js';
import { loadExtensions } from '../../src/dialplan/extensions-loader.js';

const dialplanOf = (text: string) => loadExtensions(parseConf(text, { file: 'extensions.conf' })).dialplan;

test('file contexts are replaced with labels, caller-id extensions and includes; others are kept', () => {
  const live = dialplanOf('[default]\nexten => 100,1,NoOp(old)\n[gone]\nexten => s,1,NoOp()\n');
  live.addContext('stasis-app');
  live.addPriority('stasis-app', '_.', 1, 'Stasis', 'app');
  const fresh = dialplanOf(
    [
      '[default]',
      'include => shared',
      'exten => 100,1,NoOp(new)',
      ' same => n(loop),Wait(1)',
      ' same => n,Goto(loop)',
      'exten => 200/5551234,1,NoOp(vip)',
      '[shared]',
      'exten => _9X.,1,Dial(PJSIP/${EXTEN:1})',
      '',
    ].join('\n'),
  );

  const kept = replaceFileContexts(live, fresh, ['default', 'gone']);

  assert.deepEqual([...kept].sort(), ['default', 'shared']);
  assert.equal(live.hasContext('gone'), false);
  assert.equal(live.findPriority('default', '100', 1)?.appData, 'new');
  assert.equal(live.findLabel('default', '100', 'loop'), 2);
  assert.equal(live.findPriority('default', '100', 3)?.app, 'Goto');
  assert.equal(live.exists('default', '200', 1, '5551234'), true);
  assert.equal(live.exists('default', '200', 1, '5550000'), false, 'the caller-id match came along');
  assert.equal(live.findPriority('default', '912', 1)?.context, 'shared', 'reached through the include');
  assert.equal(live.findPriority('stasis-app', 'anything', 1)?.app, 'Stasis', 'a run-time context stays');
  const origin = live.contexts.get('default')?.extensions.get('100')?.priorities.get(1);
  assert.equal(origin?.line, 3, 'priorities keep the line they came from');
});
