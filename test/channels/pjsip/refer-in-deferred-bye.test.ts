// A transferer leg ended by a transfer leaves its BYE to the phone (RFC 5589 §6.1), as Asterisk 22.10.1 defers
// the session's termination: nothing is sent at once, a BYE after 60 s if the phone has not sent its own.
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import type { Channel } from '../../../src/core/channel/channel.js';
import { holdByeAfterTransfer } from '../../../src/channels/pjsip/refer-in.js';
import type { SipSession } from '../../../src/channels/pjsip/sip-session.js';

const SIXTY_SECONDS = 60_000;

function fakeSession(): { session: SipSession; log: string[] } {
  const log: string[] = [];
  const session = {
    isTerminated: false,
    endpoint: {},
    media: { close: () => log.push('media closed') },
    refresher: { stop: () => log.push('refresher stopped') },
    expiry: { stop: () => log.push('expiry stopped') },
    ctx: { channelsChanged: () => log.push('device state') },
    sendBye: (cause: number) => log.push(`BYE ${cause}`),
    terminate: () => log.push('terminated'),
  };
  return { session: session as unknown as SipSession, log };
}

test('no BYE at once; one after 60 s when the phone sent none', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const { session, log } = fakeSession();
    holdByeAfterTransfer(session, 16, {} as Channel);
    assert.deepEqual(log, ['refresher stopped', 'expiry stopped', 'media closed', 'device state']);
    mock.timers.tick(SIXTY_SECONDS - 1);
    assert.equal(log.includes('BYE 16'), false);
    mock.timers.tick(1);
    assert.deepEqual(log.slice(-2), ['BYE 16', 'terminated']);
  } finally {
    mock.timers.reset();
  }
});

test('the phone’s own BYE first: nothing is sent', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const { session, log } = fakeSession();
    holdByeAfterTransfer(session, 16, {} as Channel);
    (session as { isTerminated: boolean }).isTerminated = true;
    mock.timers.tick(SIXTY_SECONDS);
    assert.equal(log.includes('BYE 16'), false);
  } finally {
    mock.timers.reset();
  }
});
