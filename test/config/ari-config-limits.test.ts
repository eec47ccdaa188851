import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAriConfig, verifyUser } from '../../src/config/ari-config.js';
import { parseConf } from '../../src/config/conf-parser.js';
import { DEFAULT_AUTH_FAILURE_LIMITS } from '../../src/util/auth-failure-limiter.js';

const ari = (text: string) => parseAriConfig(parseConf(text, { file: 'ari.conf' }));

test('without auth_failure_* options the brake on guessing has its defaults', () => {
  assert.deepEqual(ari('').config.authLimits, DEFAULT_AUTH_FAILURE_LIMITS);
  assert.deepEqual(DEFAULT_AUTH_FAILURE_LIMITS, {
    maxFailures: 10,
    windowMs: 60_000,
    blockMs: 300_000,
    delayStepMs: 250,
    maxDelayMs: 2_000,
    delayAfter: 3,
  });
});

test('auth_failure_limit, _window, _block (seconds) and _delay (ms) set the brake; 0 turns it off', () => {
  const { config, errors } = ari(
    '[general]\nauth_failure_limit = 5\nauth_failure_window = 30\nauth_failure_block = 900\nauth_failure_delay = 0\n',
  );
  assert.deepEqual(
    errors.map((e) => e.message),
    ['No configured users for ARI'],
  );
  assert.deepEqual(config.authLimits, {
    ...DEFAULT_AUTH_FAILURE_LIMITS,
    maxFailures: 5,
    windowMs: 30_000,
    blockMs: 900_000,
    delayStepMs: 0,
  });
  assert.equal(ari('[general]\nauth_failure_limit = 0\n').config.authLimits.maxFailures, 0);
});

test('out-of-range auth_failure_* values are errors and leave the default', () => {
  for (const line of [
    'auth_failure_limit = -1',
    'auth_failure_limit = many',
    'auth_failure_window = 0',
    'auth_failure_block = 86401',
    'auth_failure_delay = 10001',
  ]) {
    const { config, errors } = ari(`[general]\n${line}\n[u]\ntype=user\npassword=p\n`);
    assert.deepEqual(config.authLimits, DEFAULT_AUTH_FAILURE_LIMITS, line);
    assert.deepEqual(
      errors.map((e) => e.message),
      [`Error parsing ${line.replace(/ /g, '')}`],
      line,
    );
  }
});

test('verifyUser: the user for its password; undefined for a wrong password or an unknown name', () => {
  const { config } = ari('[alice]\ntype=user\npassword=s3cret\n[bob]\ntype=user\npassword=other\n');
  assert.equal(verifyUser(config.users, 'alice', 's3cret')?.name, 'alice');
  assert.equal(verifyUser(config.users, 'ALICE', 's3cret')?.name, 'alice');
  assert.equal(verifyUser(config.users, 'alice', 'other'), undefined);
  // An unknown name is refused even with a configured user's password (the decoy check is thrown away).
  assert.equal(verifyUser(config.users, 'mallory', 's3cret'), undefined);
  assert.equal(verifyUser(new Map(), 'alice', 's3cret'), undefined);
});
