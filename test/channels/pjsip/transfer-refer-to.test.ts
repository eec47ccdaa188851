// Refer-To and Replaces as a transferring phone writes them (RFC 3515 §2.1, RFC 3891 §6.1): the user part that
// names the extension, and the call an attended transfer replaces; bad input is a value, never a throw.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReferTo, parseReplaces } from '../../../src/channels/pjsip/refer-in.js';

test('Refer-To: name-addr or bare URI, user percent-decoded, Replaces from the headers or the URI parameters', () => {
  assert.deepEqual(parseReferTo('<sip:200@pbx.example.com>'), { user: '200', replaces: undefined });
  assert.deepEqual(parseReferTo('"Front desk" <sips:desk%20one@10.0.0.1:5061;transport=tls>'), {
    user: 'desk one',
    replaces: undefined,
  });
  assert.deepEqual(parseReferTo('sip:pbx.example.com'), { user: '', replaces: undefined });
  assert.deepEqual(
    parseReferTo('<sip:bob@h?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994&X=1>'),
    { user: 'bob', replaces: '12345@192.168.118.3;to-tag=12345;from-tag=5FFE-3994' },
  );
  assert.deepEqual(parseReferTo('<sip:bob@h;Replaces=abc%3Bto-tag%3Da%3Bfrom-tag%3Db>'), {
    user: 'bob',
    replaces: 'abc;to-tag=a;from-tag=b',
  });
});

test('Refer-To that is not a SIP URI is refused', () => {
  for (const bad of ['<tel:+15551234>', '<garbage>', '', '<sip:>', 'mailto:a@b']) {
    assert.equal(parseReferTo(bad), undefined, bad);
  }
  // A malformed escape is kept as written rather than thrown on.
  assert.deepEqual(parseReferTo('<sip:a%zz@h>'), { user: 'a%zz', replaces: undefined });
});

test('Replaces: call-id with both tags, in any order; a missing tag or call-id is invalid', () => {
  assert.deepEqual(parseReplaces('425928@bobster.example.org;to-tag=7743;from-tag=6472'), {
    callId: '425928@bobster.example.org',
    toTag: '7743',
    fromTag: '6472',
  });
  assert.deepEqual(parseReplaces('x;from-tag=f;early-only;to-tag=t'), { callId: 'x', toTag: 't', fromTag: 'f' });
  assert.equal(parseReplaces('x;to-tag=t'), undefined);
  assert.equal(parseReplaces(';to-tag=t;from-tag=f'), undefined);
});
