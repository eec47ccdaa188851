// The AudioSocket dial string and format choice, table-driven: what chan_audiosocket accepts (host:port with the
// port required, a bracketed IPv6 host, a DNS name, a textual UUID, `c()`), what it refuses and why, and the
// formats carried here (slin, slin16) against the others.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  audioSocketFormat,
  parseAudioSocketDialString,
} from '../../src/channels/audiosocket/audiosocket-dial-string.js';

const UUID = '0f3c1d2e-4b5a-6978-8a9b-0c1d2e3f4a5b';

test('accepted dial strings', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    [`127.0.0.1:4000/${UUID}`, { destination: '127.0.0.1:4000', host: '127.0.0.1', port: 4000, uuid: UUID }],
    [
      `media.example.com:9092/${UUID}`,
      { destination: 'media.example.com:9092', host: 'media.example.com', port: 9092, uuid: UUID },
    ],
    [
      `[::1]:4000/${UUID.toUpperCase()}`,
      { destination: '[::1]:4000', host: '::1', port: 4000, uuid: UUID.toUpperCase() },
    ],
    [
      `127.0.0.1:4000/${UUID}/c(slin16)`,
      { destination: '127.0.0.1:4000', host: '127.0.0.1', port: 4000, uuid: UUID, format: 'slin16' },
    ],
    [`127.0.0.1:4000/${UUID}/xc()`, { destination: '127.0.0.1:4000', host: '127.0.0.1', port: 4000, uuid: UUID }],
  ];
  for (const [resource, value] of cases)
    assert.deepEqual(parseAudioSocketDialString(resource), { ok: true, value }, resource);
});

test('refused dial strings say why, in the order Asterisk checks', () => {
  const cases: Array<[string, string]> = [
    ['', "Destination is required for the 'AudioSocket' channel"],
    [`/${UUID}`, "Destination is required for the 'AudioSocket' channel"],
    [`127.0.0.1/${UUID}`, "Destination '127.0.0.1' could not be parsed (it must be <host>:<port>)"],
    [`127.0.0.1:/${UUID}`, "Destination '127.0.0.1:' could not be parsed (it must be <host>:<port>)"],
    [`:4000/${UUID}`, "Destination ':4000' could not be parsed (it must be <host>:<port>)"],
    [`127.0.0.1:70000/${UUID}`, "Destination '127.0.0.1:70000' could not be parsed (it must be <host>:<port>)"],
    [`::1:4000/${UUID}`, "Destination '::1:4000' could not be parsed (it must be <host>:<port>)"],
    ['127.0.0.1:4000', "UUID is required for the 'AudioSocket' channel"],
    ['127.0.0.1:4000/', "UUID is required for the 'AudioSocket' channel"],
    ['127.0.0.1:4000/1234', "Failed to parse UUID '1234'"],
  ];
  for (const [resource, error] of cases)
    assert.deepEqual(parseAudioSocketDialString(resource), { ok: false, error }, resource);
});

test('the format: c() first, then the first requested, then slin; only slin and slin16 are carried', () => {
  assert.deepEqual(audioSocketFormat(undefined, undefined), { ok: true, value: 'slin' });
  assert.deepEqual(audioSocketFormat(undefined, []), { ok: true, value: 'slin' });
  assert.deepEqual(audioSocketFormat(undefined, ['slin16', 'ulaw']), { ok: true, value: 'slin16' });
  assert.deepEqual(audioSocketFormat(undefined, [' slin ']), { ok: true, value: 'slin' });
  assert.deepEqual(audioSocketFormat('slin16', ['slin']), { ok: true, value: 'slin16' });
  assert.deepEqual(audioSocketFormat(undefined, ['slin48']), {
    ok: false,
    error: "AudioSocket format 'slin48' is not supported: audio runs at 8 or 16 kHz (slin, slin16)",
  });
  assert.deepEqual(audioSocketFormat(undefined, ['ulaw']), {
    ok: false,
    error: "AudioSocket carries signed linear audio only: format 'ulaw' refused (slin, slin16)",
  });
  assert.deepEqual(audioSocketFormat('nonsense', undefined), {
    ok: false,
    error: "Codec 'nonsense' not found for AudioSocket",
  });
});
