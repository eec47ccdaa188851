import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cryptHash, cryptVerify } from '../../src/util/crypt.js';

// Generated on the development machine with OpenSSL 3.0 (`openssl passwd -6|-5|-1 -salt SALT PASSWORD`), except
// the empty-password rows, which come from glibc crypt(3) (OpenSSL refuses empty passwords).
const LONG = 'x'.repeat(150); // longer than one SHA-512 block of alternate sum
const OPENSSL: readonly (readonly [string, string])[] = [
  ['secret', '$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1'],
  ['secret', '$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA'],
  ['secret', '$1$saltsalt$9xy1btjgzLYfb7hivXtC//'],
  [LONG, '$6$abc$aIMTWP.NviOMSTUl8xT/7Ck81/6pAE5Bz.5kVLDCb3rv0xF4vuE8R4rGVPUxfC08/15cDzI3CniimRQAy1wlw/'],
  [LONG, '$5$abc$WIYxC9ehcSSERyTAncb2Jk1wp/Ev8E6tHepbu9gSlv9'],
  [LONG, '$1$abc$ZLu8REqSfHLQ81V2cZczJ1'],
  ['pässwörd', '$1$x$JCGkBY00FL7KZ2Wf1VmLX.'],
  ['pässwörd', '$5$rounds=2000$zz$jDd6A2811a7p0YZ.eLdAks.o8/t7qM4c6PEVTh8bPqB'],
  ['Hello world!', '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'],
  ['', '$6$rounds=1000$ab$ibFMAI/Igw53aVaJxJu4wwQmU0jF8lxiKV6mtjRJmbxKnzQU8fIizULiJeSfGn7H54dbRhqwIBpklchs8nlWi.'],
  ['', '$1$ab$rn6aQS/o7141mj179E/zA.'],
];

// Test vectors published with Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512" specification:
// [password, setting, expected]. They cover rounds=, salt truncation to 16 characters and rounds clamping.
const LONGER = 'a very much longer text to encrypt.  This one even stretches over morethan one line.';
const SPEC: readonly (readonly [string, string, string])[] = [
  ['Hello world!', '$6$saltstring', '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1'],
  ['Hello world!', '$6$rounds=10000$saltstringsaltstring', '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.'],
  ['This is just a test', '$6$rounds=5000$toolongsaltstring', '$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0'],
  [LONGER, '$6$rounds=1400$anotherlongsaltstring', '$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1'],
  ['the minimum number is still observed', '$6$rounds=10$roundstoolow', '$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.'],
  ['Hello world!', '$5$rounds=10000$saltstringsaltstring', '$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA'],
  ['This is just a test', '$5$rounds=5000$toolongsaltstring', '$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5'],
  [LONGER, '$5$rounds=1400$anotherlongsaltstring', '$5$rounds=1400$anotherlongsalts$Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1'],
  ['the minimum number is still observed', '$5$rounds=10$roundstoolow', '$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC'],
]; // prettier-ignore

test('hashes made by openssl passwd verify with the right password', () => {
  for (const [password, hash] of OPENSSL) assert.equal(cryptVerify(password, hash), true, hash);
});

test('the SHA-crypt specification vectors are reproduced exactly', () => {
  for (const [password, setting, expected] of SPEC) {
    assert.equal(cryptHash(password, setting), expected);
    assert.equal(cryptVerify(password, expected), true);
  }
});

test('a wrong password, a password in the wrong case, or a prefix of it does not verify', () => {
  for (const [password, hash] of OPENSSL) {
    assert.equal(cryptVerify(password + '!', hash), false, hash);
    if (password !== password.toUpperCase()) assert.equal(cryptVerify(password.toUpperCase(), hash), false, hash);
    if (password.length > 1) assert.equal(cryptVerify(password.slice(0, -1), hash), false, hash);
  }
  assert.equal(cryptVerify('Secret', '$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1'), false); // prettier-ignore
});

test('a tampered hash, an unsupported scheme or garbage never verifies and never throws', () => {
  const good = '$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA';
  for (const hash of [
    good.slice(0, -1) + 'B',
    good + 'x',
    good.slice(0, -1),
    good.toUpperCase(),
    'secret', // a plain password is not a hash
    'saDw/qAsQrXq.', // DES crypt: not supported
    '$2b$10$abcdefghijklmnopqrstuu5ZP5O8QzQjWzqkXn3hD8x2k2JGvBQ9y', // bcrypt: not supported
    '$7$',
    '$6$',
    '$1$',
    '',
    '$6$rounds=abc$salt$x',
    '$6$\u00ff\u4e00$x',
  ]) {
    assert.equal(cryptVerify('secret', hash), false, hash);
  }
});
