import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInfoDtmf } from '../../../src/channels/pjsip/info-dtmf.js';
import {
  causeFromReasonHeaders,
  causeFromStatus,
  hasStatusForCause,
  statusFromCause,
} from '../../../src/channels/pjsip/sip-causes.js';

test('SIP status → Q.850 cause (sip-reference §3.1)', () => {
  const rows: Array<[number, number]> = [
    [486, 17], [603, 21], [404, 1], [503, 34], [480, 19], [408, 18], [487, 127], [488, 58], [500, 38], [302, 23],
    [499, 127], [599, 34], [699, 127], [199, 16],
  ]; // prettier-ignore
  for (const [status, cause] of rows) assert.equal(causeFromStatus(status), cause, String(status));
});

test('Q.850 cause → SIP status (§3.2): unmapped causes (16 among them) are 603 and have no tech_cause', () => {
  const rows: Array<[number, number]> = [
    [1, 404], [17, 486], [18, 408], [19, 480], [21, 403], [23, 302], [34, 503], [38, 500], [58, 488], [127, 500],
    [16, 603], [0, 603], [41, 603],
  ]; // prettier-ignore
  for (const [cause, status] of rows) assert.equal(statusFromCause(cause), status, String(cause));
  assert.equal(hasStatusForCause(16), false);
  assert.equal(hasStatusForCause(17), true);
});

test('Reason headers of a BYE/CANCEL: Q.850 wins (7 bits), SIP causes map through §3.1, garbage is ignored', () => {
  assert.equal(causeFromReasonHeaders(['SIP;cause=486', 'Q.850;cause=17;text="busy"']), 17);
  assert.equal(causeFromReasonHeaders(['SIP;cause=486']), 17);
  assert.equal(causeFromReasonHeaders(['SIP;cause=200;text="Call completed elsewhere"']), 16);
  assert.equal(causeFromReasonHeaders(['Q.850;cause=300']), 300 & 0x7f);
  assert.equal(causeFromReasonHeaders(['nonsense', 'Q.850', ';;;', '']), undefined);
  assert.equal(causeFromReasonHeaders([]), undefined);
});

test('INFO DTMF bodies (§4.8): dtmf-relay and dtmf, defaults, flash, errors, other types', () => {
  assert.deepEqual(parseInfoDtmf('application/dtmf-relay', 'Signal=5\r\nDuration=250\r\n'), {
    digit: '5',
    durationMs: 250,
  });
  assert.deepEqual(parseInfoDtmf('Application/DTMF-Relay; x=1', 'Signal= #\n'), { digit: '#', durationMs: 100 });
  assert.deepEqual(parseInfoDtmf('application/dtmf', '11'), { digit: '#', durationMs: 100 });
  assert.deepEqual(parseInfoDtmf('application/dtmf-relay', 'Signal=!\r\n'), { digit: '', durationMs: 100 });
  assert.ok('error' in parseInfoDtmf('application/dtmf-relay', 'Signal=Z')!);
  assert.ok('error' in parseInfoDtmf('application/dtmf-relay', 'garbage')!);
  assert.ok('error' in parseInfoDtmf('application/dtmf', '99')!);
  assert.equal(parseInfoDtmf('application/media_control+xml', '<x/>'), undefined);
});
