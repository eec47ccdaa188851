/**
 * Unit tests of the conformance comparator on the recorded Asterisk traces alone (no server): parsing,
 * normalisation of run-to-run differences, and that real differences are caught.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IdBinder,
  compareTraces,
  diffJson,
  formatMismatches,
  normaliseJson,
  parseBodyJson,
  parseEventLine,
  parseHttpLine,
  parsePartialJson,
  parseTrace,
  splitLog,
  summaryLine,
  Truncated,
  type Report,
  type Trace,
} from './compare.js';
import { loadRecorded } from './traces.js';

const SCENARIOS = ['s1', 's2', 's3', 's4', 's5', 's6'];

function recorded(name: string): Trace {
  const r = loadRecorded(name);
  return parseTrace(r.stdout, { jsonl: r.jsonl });
}

function allOk(r: Report): boolean {
  return r.exchanges.every((x) => x.ok) && r.groups.every((g) => g.ok);
}

/** Re-parse a recording after editing its log and/or event dump. */
function edited(name: string, editLog: (s: string) => string, editJsonl: (s: string) => string = (s) => s): Trace {
  const r = loadRecorded(name);
  return parseTrace(editLog(r.stdout), { jsonl: r.jsonl === undefined ? undefined : editJsonl(r.jsonl) });
}

describe('log parsing', () => {
  test('every line of every recording is classified; counts are as recorded', () => {
    const counts = Object.fromEntries(
      SCENARIOS.map((n) => {
        const t = recorded(n);
        // nothing that looks like an HTTP or event line may fall through to the free-form notes
        for (const note of t.notes)
          assert.doesNotMatch(note.text, /^(HTTP|EV\[|WS\[)/, `${n}: unparsed line ${note.text.slice(0, 80)}`);
        return [n, [t.http.length, t.events.length, t.wsLines.length]];
      }),
    );
    assert.deepEqual(counts, {
      s1: [6, 17, 2],
      s2: [50, 3, 2],
      s3: [73, 37, 2],
      s4: [57, 98, 2],
      s5: [19, 144, 8],
      s6: [9, 25, 2],
    });
  });

  test('multi-line log entries are kept together', () => {
    const e = splitLog('[   1] a\nb\n[  22] c\n');
    assert.deepEqual(e, [
      { t: 1, text: 'a\nb' },
      { t: 22, text: 'c' },
    ]);
    const s5 = recorded('s5');
    const html = s5.notes.find((n) => n.text.startsWith('plain GET /events'));
    assert.ok(html?.text.includes('</html>'));
  });

  test('HTTP lines: status text with spaces, headers, request bodies, empty bodies', () => {
    const a = parseHttpLine(
      3,
      'HTTP PUT /channels -> 405 Method Not Allowed {"allow":"OPTIONS,GET,POST","content-length":"28"} {"message":"Invalid method"}',
    )!;
    assert.equal(a.status, 405);
    assert.equal(a.statusText, 'Method Not Allowed');
    assert.deepEqual(a.headers, { allow: 'OPTIONS,GET,POST', 'content-length': '28' });
    assert.equal(a.body, '{"message":"Invalid method"}');
    const b = parseHttpLine(4, 'HTTP POST /bridges body={"type":"holding","name":"jb"} -> 200 OK  {"id":"x"}')!;
    assert.equal(b.reqBody, '{"type":"holding","name":"jb"}');
    assert.equal(b.statusText, 'OK');
    assert.equal(b.headers, undefined);
    assert.equal(b.body, '{"id":"x"}');
    const c = parseHttpLine(5, 'HTTP DELETE /channels/c1 -> 204 No Content  ')!;
    assert.equal(c.statusText, 'No Content');
    assert.equal(c.body, '');
    const d = parseHttpLine(
      6,
      'HTTP GET /channels/c1/variable?variable=NOPE -> 404 Variable Not Found  {"message":"Provided variable was not found"}',
    )!;
    assert.equal(d.statusText, 'Variable Not Found');
  });

  test('EV lines: channel, dialplan, bridge and key=json fields', () => {
    const e = parseEventLine(
      914,
      'EV[test] ChannelDestroyed app=test ch=c1;2(Local/echo@default-00000000;2,Up,default/h/2/) cause=16 cause_txt="Normal Clearing"',
    )!;
    assert.deepEqual(e.proj, {
      type: 'ChannelDestroyed',
      application: 'test',
      channel: {
        id: 'c1;2',
        name: 'Local/echo@default-00000000;2',
        state: 'Up',
        dialplan: { context: 'default', exten: 'h', priority: 2, app_name: '' },
      },
      cause: 16,
      cause_txt: 'Normal Clearing',
    });
    const b = parseEventLine(
      2316,
      'EV[test] ChannelEnteredBridge app=test ch=k3(Local/echo@default-00000007;1,Up,default/echo/1/Stasis) br=br1[k2,k3] ',
    )!;
    assert.deepEqual(b.proj['bridge'], { id: 'br1', channels: ['k2', 'k3'] });
    const a = parseEventLine(
      95,
      'EV[test] StasisStart app=test ch=c1(Local/echo@default-00000000;1,Up,default/echo/1/Stasis) args=["a","b"]',
    )!;
    assert.deepEqual(a.proj['args'], ['a', 'b']);
  });

  test('events from the .jsonl dump carry the key fields, not timestamps', () => {
    const t = recorded('s4');
    const dtmf = t.events.find((e) => e.type === 'ChannelDtmfReceived')!;
    assert.equal(dtmf.proj['digit'], '1');
    assert.equal(dtmf.proj['duration_ms'], undefined);
    assert.equal(dtmf.proj['timestamp'], undefined);
    const ch = dtmf.proj['channel'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(ch).sort(), [
      'accountcode',
      'caller',
      'channelvars',
      'connected',
      'dialplan',
      'id',
      'name',
      'state',
    ]);
  });
});

describe('partial JSON', () => {
  test('a truncated body parses as far as it goes', () => {
    const p = parsePartialJson(
      '{"id":"d1","name":"Local/s@default-00000001;1","dialplan":{"context":"default","exten":"s"},"creationtime":"2026-11-23',
    )!;
    assert.equal(p.complete, false);
    const v = p.value as Record<string, unknown>;
    assert.equal(v['id'], 'd1');
    assert.deepEqual(v['dialplan'], { context: 'default', exten: 's' });
    assert.ok(v['creationtime'] instanceof Truncated);
    assert.equal(parsePartialJson('[{"a":1},{"b":tr')?.complete, false);
    assert.equal(parsePartialJson('<html>'), undefined);
    assert.equal(parsePartialJson('{"a":1}}'), undefined);
    assert.equal(parseBodyJson('[]')?.complete, true);
    assert.equal(parseBodyJson('<33 bytes>'), undefined);
  });

  test('truncated vs full: key order is irrelevant, complete fields must agree', () => {
    const full = '{"name":"Local/s@default-00000004;1","id":"d1","state":"Down","extra":1}';
    const trunc = '{"id":"d1","name":"Local/s@default-00000001;1","state":"Do';
    const out: string[] = [];
    diffJson(
      normaliseJson(parseBodyJson(trunc)!.value),
      normaliseJson(parseBodyJson(full)!.value),
      new IdBinder(),
      '',
      out,
    );
    assert.deepEqual(out, []);
    const wrong = '{"name":"Local/s@default-00000004;1","id":"d2","state":"Down"}';
    const out2: string[] = [];
    diffJson(
      normaliseJson(parseBodyJson(trunc)!.value),
      normaliseJson(parseBodyJson(wrong)!.value),
      new IdBinder(),
      '',
      out2,
    );
    assert.deepEqual(out2, ['id: expected "d1", got "d2"']);
    // a complete expected object: a missing field in the actual one is a difference
    const out3: string[] = [];
    diffJson({ a: 1, b: 2 }, { a: 1 }, new IdBinder(), '', out3);
    assert.deepEqual(out3, ['b: missing (expected 2)']);
  });
});

describe('normalisation', () => {
  test('ids bind one to one per kind; timestamps and asterisk_id are ignored', () => {
    const b = new IdBinder();
    assert.ok(b.matchString('Local/echo@default-0000000b;1', 'Local/echo@default-00000000;1'));
    assert.ok(b.matchString('Local/echo@default-0000000b;2', 'Local/echo@default-00000000;2'));
    // the same expected id must keep its partner ...
    assert.ok(!b.matchString('Local/echo@default-0000000b;1', 'Local/echo@default-00000001;1'));
    // ... and two expected ids can't share one actual id
    assert.ok(!b.matchString('Local/echo@default-0000000c;1', 'Local/echo@default-00000000;1'));
    assert.ok(b.matchString('52553886-04bf-46c3-bdac-e40ab9f65de5', '0f9a6a9e-1111-4c3d-8e7f-000000000001'));
    assert.ok(b.matchString('1763857015.12', '1800000000.7'));
    assert.ok(!b.matchString('1763857016.13', '0f9a6a9e-1111-4c3d-8e7f-000000000002'), 'a uniqueid is not a UUID');
    assert.ok(b.matchString('at 2026-11-23T00:15:55.705+0000', 'at 2025-01-02T03:04:05.006+0000'));
    assert.ok(!b.matchString('Normal Clearing', 'Normal clearing'));
    const out: string[] = [];
    diffJson(
      normaliseJson({ asterisk_id: '02:fc:00:00:00:01', timestamp: 'x' }),
      normaliseJson({ asterisk_id: 'other', timestamp: 'y' }),
      b,
      '',
      out,
    );
    assert.deepEqual(out, []);
  });

  test('channel sequence numbers bind within their counter: unreal channels share one, Snoop has its own', () => {
    const b = new IdBinder();
    assert.ok(b.matchString('Local/echo@default-00000006;1', 'Local/echo@default-00000000;1'));
    // Snoop's counter is not the unreal one: the same actual number is no conflict ...
    assert.ok(b.matchString('Snoop/k2-00000000', 'Snoop/k2-00000000'));
    // ... but within a counter the binding holds both ways
    assert.ok(!b.matchString('Snoop/k2-00000001', 'Snoop/k2-00000000'));
    assert.ok(!b.matchString('Announcer/ARI-00000006;2', 'Announcer/ARI-00000005;2'), 'Local and Announcer share one');
    assert.ok(b.matchString('Recorder/ARI-0000000a;2', 'Recorder/ARI-00000003;2'));
    assert.ok(!b.matchString('Local/echo@default-00000007;1', 'Local/echo@default-00000003;1'));
  });

  test('a recording equals itself, and equals a copy with every generated id and timestamp changed', () => {
    for (const n of SCENARIOS) {
      assert.ok(allOk(compareTraces(recorded(n), recorded(n))), `${n} vs itself`);
      const shift = (s: string): string =>
        s
          // channel sequence numbers: +0x20
          .replace(/(?<=[\w@/.:]-)([0-9a-f]{8})(?![0-9a-f-])/g, (h) =>
            (parseInt(h, 16) + 0x20).toString(16).padStart(8, '0'),
          )
          // UUIDs: reverse the last group
          .replace(
            /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-)([0-9a-f]{12})/g,
            (_, a: string, b: string) => a + [...b].reverse().join(''),
          )
          .replace(/2026-11-23T00:/g, '2031-02-03T11:')
          .replace(/02:fc:00:00:00:01/g, 'aa:bb:cc:dd:ee:ff')
          .replace(/0x7fbd/g, '0x5555');
      const r = compareTraces(recorded(n), edited(n, shift, shift));
      assert.ok(allOk(r), `${n} with shifted ids:\n${formatMismatches(r)}`);
    }
  });

  test('events of different channels may interleave differently', () => {
    const t = recorded('s5');
    // move every allapp event to the end: the per-channel order stays, the interleaving changes
    const moved: Trace = {
      ...t,
      events: [...t.events.filter((e) => e.ws !== 'allapp'), ...t.events.filter((e) => e.ws === 'allapp')],
    };
    assert.ok(allOk(compareTraces(t, moved)));
    // on the socket serving appA and appB, each app's events keep their order but may interleave
    const appB = (e: (typeof t.events)[number]): boolean => e.ws === 'A+B' && e.proj['application'] === 'appB';
    const apps: Trace = { ...t, events: [...t.events.filter((e) => !appB(e)), ...t.events.filter(appB)] };
    assert.ok(allOk(compareTraces(t, apps)));
    // but within one app and channel the order counts
    const x1 = t.events.filter(
      (e) => e.ws === 'A+B' && (e.proj['channel'] as { id?: string } | undefined)?.id === 'x1',
    );
    const reordered: Trace = { ...t, events: [...t.events.filter((e) => !x1.includes(e)), ...x1.slice().reverse()] };
    assert.ok(!allOk(compareTraces(t, reordered)));
  });
});

describe('real differences are caught', () => {
  test('a different status code', () => {
    const t = edited('s2', (s) =>
      s.replace(
        'HTTP GET /channels/nope -> 404 Not Found  {"message":"Channel not found"}',
        'HTTP GET /channels/nope -> 200 OK  {"message":"Channel not found"}',
      ),
    );
    const r = compareTraces(recorded('s2'), t);
    const bad = r.exchanges.filter((x) => !x.ok);
    assert.equal(bad.length, 1);
    assert.match(bad[0]!.diffs[0]!, /status: expected 404 Not Found, got 200 OK/);
  });

  test('a different body field, header or missing header', () => {
    const t = edited('s2', (s) =>
      s
        .replace('{"message":"Write access denied"}', '{"message":"Forbidden"}')
        .replace(
          '{"allow":"OPTIONS,GET,POST","cache-control":"no-cache, no-store","content-length":"28"',
          '{"allow":"GET,POST","cache-control":"no-cache, no-store","content-length":"28"',
        )
        .replace(',"www-authenticate":"Basic realm=\\"Asterisk REST Interface\\""', ''),
    );
    const r = compareTraces(recorded('s2'), t);
    const diffs = r.exchanges.filter((x) => !x.ok).flatMap((x) => x.diffs);
    assert.deepEqual(diffs, [
      'header allow: expected "OPTIONS,GET,POST", got "GET,POST"',
      'header www-authenticate: missing (expected "Basic realm=\\"Asterisk REST Interface\\"")',
      'message: expected "Write access denied", got "Forbidden"',
    ]);
  });

  test('Accept-Ranges: bytes is let through on a binary body only, with that value only', () => {
    const fileLine = /(HTTP GET \/recordings\/stored\/sub%2Fr1\/file -> 200 OK \{)/;
    const withHeader = (value: string) => edited('s4', (s) => s.replace(fileLine, `$1"accept-ranges":"${value}",`));
    assert.ok(allOk(compareTraces(recorded('s4'), withHeader('bytes'))));
    const other = compareTraces(recorded('s4'), withHeader('none'));
    assert.deepEqual(
      other.exchanges.filter((x) => !x.ok).flatMap((x) => x.diffs),
      ['header accept-ranges: unexpected (got "none")'],
    );
    // on a JSON body it is an unexpected header
    const json = edited('s2', (s) =>
      s.replace('{"allow":"OPTIONS,GET,POST",', '{"accept-ranges":"bytes","allow":"OPTIONS,GET,POST",'),
    );
    assert.deepEqual(
      compareTraces(recorded('s2'), json)
        .exchanges.filter((x) => !x.ok)
        .flatMap((x) => x.diffs),
      ['header accept-ranges: unexpected (got "bytes")'],
    );
  });

  test('only the reason phrase differs: a warning, not a mismatch', () => {
    const t = edited('s1', (s) => s.replace('404 Variable Not Found', '404 Not Found'));
    const r = compareTraces(recorded('s1'), t);
    assert.ok(allOk(r));
    assert.equal(r.warnings.length, 1);
  });

  test('a missing event, a changed cause, a swapped order within one channel', () => {
    const lines = loadRecorded('s4').jsonl!.split('\n');
    const base = recorded('s4');
    // drop the first StasisEnd of k3
    const i = lines.findIndex((l) => l.includes('"type":"StasisEnd"') && l.includes('"id":"k3"'));
    const dropped = compareTraces(
      base,
      edited(
        's4',
        (s) => s,
        () => lines.filter((_, j) => j !== i).join('\n'),
      ),
    );
    assert.deepEqual(
      dropped.groups.filter((g) => !g.ok).map((g) => g.key),
      ['test test channel:k3'],
    );
    // a different cause
    const cause = compareTraces(
      base,
      edited(
        's4',
        (s) => s,
        (s) => s.replace('"cause":21,"cause_txt":"Call Rejected"', '"cause":16,"cause_txt":"Normal Clearing"'),
      ),
    );
    assert.match(cause.groups.find((g) => !g.ok)!.diffs[0]!, /cause: expected 21, got 16/);
    assert.match(dropped.groups.find((g) => !g.ok)!.diffs.join('\n'), /^expected #\d+ missing: StasisEnd ch=k3/);
    // swap two consecutive events of the same channel (k3: StasisEnd and the STASISSTATUS varset)
    const j = lines.findIndex((l) => l.includes('"type":"StasisEnd"') && l.includes('"id":"k3"'));
    const swapped = [...lines];
    [swapped[j], swapped[j + 1]] = [swapped[j + 1]!, swapped[j]!];
    const order = compareTraces(
      base,
      edited(
        's4',
        (s) => s,
        () => swapped.join('\n'),
      ),
    );
    assert.ok(!allOk(order));
  });

  test('missing exchanges when the replay stops early, and the summary line', () => {
    const t = edited('s2', (s) => s.split('\n').slice(0, 20).join('\n'));
    const r = compareTraces(recorded('s2'), t);
    assert.ok(r.exchanges.some((x) => x.diffs[0]?.startsWith('missing in the replay')));
    assert.match(summaryLine('s2', r), /^conformance s2: \d+\/53 exchanges match, \d+\/3 event sequences match/);
    assert.match(formatMismatches(r), /expected: HTTP/);
  });

  test('exclusions remove exchanges and events on both sides', () => {
    const r = compareTraces(recorded('s6'), recorded('s6'), {
      http: [{ path: /\/play(\/|\?|$)/, why: 'media' }],
      events: [{ why: 'media', match: (e) => e.type.startsWith('Playback') }],
      notes: [{ match: /^repeated media ->/, why: 'media' }],
    });
    assert.deepEqual(r.excluded, { http: 2, events: 8, notes: 1 });
    // an exclusion for a recorded time window only
    const w = compareTraces(recorded('s4'), recorded('s4'), {
      http: [{ method: 'GET', path: /^\/bridges\/br1$/, recordedAt: [4600, 4700], why: 'x' }],
    });
    assert.equal(w.excluded.http, 1);
    assert.ok(!allOk(w), 'the replay side still has it, so the sequences no longer line up');
  });

  test('field exclusions: the nth exchange and matching events are compared without the named fields only', () => {
    // s4's third GET /bridges/br1 answers technology "softmix"; a replay answering "simple_bridge" there
    let n = 0;
    const simple = edited('s4', (s) =>
      s.replace(/HTTP GET \/bridges\/br1 -> 200 OK {2}\{"id":"br1","technology":"(\w+)"/g, (m, tech: string) =>
        ++n === 3 ? m.replace(`"${tech}"`, '"simple_bridge"') : m,
      ),
    );
    assert.equal(n, 3);
    assert.ok(!allOk(compareTraces(recorded('s4'), simple)));
    const rule = { method: 'GET', path: /^\/bridges\/br1$/, fields: ['technology'], why: 'x' };
    const third = compareTraces(recorded('s4'), simple, { http: [{ ...rule, occurrence: 3 }] });
    assert.ok(allOk(third));
    assert.deepEqual([third.excluded.http, third.partial.http], [0, 1]);
    // the wrong occurrence does not hide it, and the other fields are still compared
    assert.ok(!allOk(compareTraces(recorded('s4'), simple, { http: [{ ...rule, occurrence: 2 }] })));
    const renamed = edited('s4', (s) =>
      s.replace('"technology":"softmix","bridge_type":"mixing"', '"technology":"x","bridge_type":"holding"'),
    );
    const r = compareTraces(recorded('s4'), renamed, { http: [{ ...rule, occurrence: 3 }] });
    assert.deepEqual(
      r.exchanges.filter((x) => !x.ok).flatMap((x) => x.diffs),
      ['bridge_type: expected "mixing", got "holding"'],
    );
    // events: bridge.technology of ChannelLeftBridge left out, the bridge's channels still compared
    const left = (tech: string, channels: string) => (s: string) =>
      s.replace(
        /("type":"ChannelLeftBridge".*?"technology":)"simple_bridge"(.*?"channels":)\[[^\]]*\]/g,
        `$1"${tech}"$2${channels}`,
      );
    const leftRule = {
      why: 'x',
      match: (e: { type: string }) => e.type === 'ChannelLeftBridge',
      fields: ['bridge.technology'],
    };
    const softmix = edited('s4', (s) => s, left('softmix', '["k3"]'));
    assert.ok(!allOk(compareTraces(recorded('s4'), softmix)));
    const ok = compareTraces(recorded('s4'), softmix, { events: [leftRule] });
    assert.ok(!allOk(ok), 'channels changed too');
    const onlyTech = edited(
      's4',
      (s) => s,
      (s) => s.replace(/("type":"ChannelLeftBridge".*?"technology":)"simple_bridge"/g, '$1"softmix"'),
    );
    const r2 = compareTraces(recorded('s4'), onlyTech, { events: [leftRule] });
    assert.ok(allOk(r2));
    assert.equal(r2.partial.events, 3);
  });
});
