/**
 * Logger channel configurations as Asterisk 22.10.1 parses and lists them, and the structured logger split to
 * the channels (the console keeps its own level).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { teeLogger } from '../../src/app-modules/logger-tee.js';
import { LogChannels } from '../../src/core/modules/log-channels.js';
import { configurationText, logDate, parseLogConfiguration } from '../../src/core/modules/log-levels.js';

test('configurations are listed as Asterisk lists them', () => {
  // Left: what was POSTed to Asterisk 22.10.1; right: its GET /asterisk/logging `configuration` (Asterisk's own
  // custom levels CC, FAX, PJSIP_HISTORY and SECURITY, which `*` also adds there, do not exist here).
  const cases: [string, string, 'text' | 'json'][] = [
    ['notice,warning,error', 'NOTICE WARNING ERROR ', 'text'],
    ['Notice, Warning,verbose(3),debug,dtmf,*', 'DEBUG TRACE NOTICE WARNING ERROR VERBOSE DTMF ', 'text'],
    ['error', 'ERROR ', 'text'],
    ['bogus', '', 'text'],
    ['error,warning,notice', 'NOTICE WARNING ERROR ', 'text'],
    [' , ,trace', 'TRACE ', 'text'],
    ['verbose(x)', '', 'text'],
    ['VERBOSE', 'VERBOSE ', 'text'],
    ['[json]notice,warning', 'NOTICE WARNING ', 'json'],
    ['[JSON]error', 'ERROR ', 'json'],
    ['[plain]error', 'ERROR ', 'text'],
    ['[json error', '', 'text'],
  ];
  for (const [input, listed, format] of cases) {
    const parsed = parseLogConfiguration(input);
    assert.equal(configurationText(parsed.mask), listed, input);
    assert.equal(parsed.format, format, input);
  }
});

test('dates are strftime %b %e %T, day padded with a space', () => {
  assert.equal(logDate(new Date(2026, 11, 7, 1, 22, 6)), 'Dec  7 01:22:06');
  assert.equal(logDate(new Date(2026, 0, 17, 13, 5, 59)), 'Jan 17 13:05:59');
});

test('a debug channel gets debug records while the console keeps info and above', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-tee-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const consoleLines: string[] = [];
  const base = pino({ name: 'sy', level: 'info' }, { write: (line: string) => void consoleLines.push(line) });
  const channels = new LogChannels({ logDir: dir, banner: 'Switchyard test' });
  const log = teeLogger(base, channels);
  const child = log.child({ component: 'calls' });

  log.debug('before any channel');
  assert.equal(consoleLines.length, 0);
  assert.deepEqual(channels.list(), [
    { channel: '', type: 'Console', status: 'Enabled', configuration: 'NOTICE WARNING ERROR ' },
  ]);

  assert.equal(channels.create('debug.log', 'debug,warning'), 'created');
  log.debug({ id: 7 }, 'looked up');
  child.info('call started');
  child.warn('slow');
  assert.equal(base.level, 'info', 'the given logger is not changed');
  assert.deepEqual(
    consoleLines.map((l) => (JSON.parse(l) as { msg: string }).msg),
    ['call started', 'slow'],
  );
  const file = readFileSync(join(dir, 'debug.log'), 'utf8').trimEnd().split('\n');
  assert.equal(file.length, 3, 'banner, the debug record, the warning (info is NOTICE: not asked for)');
  assert.match(file[1]!, /^\[.{15}\] DEBUG\[\d+\] sy: looked up \{"id":7\}$/);
  assert.match(file[2]!, /^\[.{15}\] WARNING\[\d+\] sy: slow \{"component":"calls"\}$/);

  assert.equal(channels.remove('debug.log'), true);
  assert.equal(log.level, 'info', 'back to the console level once no channel wants more');
  log.debug('after');
  assert.equal(readFileSync(join(dir, 'debug.log'), 'utf8').trimEnd().split('\n').length, 3);
});

test('a silent logger stays silent unless a channel asks', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-tee-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const consoleLines: string[] = [];
  const base = pino({ level: 'silent' }, { write: (line: string) => void consoleLines.push(line) });
  const channels = new LogChannels({ logDir: dir, banner: 'b' });
  const log = teeLogger(base, channels);
  assert.equal(log.level, 'silent');
  assert.equal(channels.create(join(dir, 'e.log'), 'error'), 'created');
  assert.equal(log.level, 'error');
  log.error(new Error('boom'), 'failed');
  assert.equal(consoleLines.length, 0);
  assert.match(
    readFileSync(join(dir, 'e.log'), 'utf8'),
    /ERROR\[\d+\] switchyard: failed \{"err":\{"type":"Error","message":"boom"/,
  );
  channels.close();
});
