import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSystemName } from '../../src/config/asterisk-options.js';
import { parseConf } from '../../src/config/conf-parser.js';

const host = (): string => 'box-7';
const name = (text: string | undefined): string =>
  parseSystemName(text === undefined ? undefined : parseConf(text, { file: 'asterisk.conf' }), host);

test('asterisk.conf systemname: "" unless set; autosystemname=yes takes the host name; the later entry wins', () => {
  assert.equal(name(undefined), '');
  assert.equal(name('[options]\nmaxcalls=1\n'), '');
  assert.equal(name('[directories]\nsystemname=not-here\n'), '');
  assert.equal(name('[options]\nsystemname = pbx-east\n'), 'pbx-east');
  assert.equal(name('[options]\nautosystemname = yes\n'), 'box-7');
  assert.equal(name('[options]\nautosystemname = no\n'), '');
  assert.equal(name('[options]\nsystemname=a\nautosystemname=on\n'), 'box-7');
  assert.equal(name('[options]\nautosystemname=1\nsystemname=b\n'), 'b');
});
