import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadExtensions } from '../../src/dialplan/extensions-loader.js';
import { substitute } from '../../src/dialplan/substitute.js';
import { confFromText, randomText, seededRandom } from './conf-text.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

test('the recorded Asterisk trace dialplan loads: same =>, n priorities, raw app data', () => {
  const { dialplan, errors, globals } = loadExtensions(confFromText(fixture('traces-extensions.conf')));
  assert.deepEqual(errors, []);
  assert.equal(globals.size, 0);
  assert.deepEqual([...dialplan.contexts.keys()], ['default']);
  const extensions = dialplan.contexts.get('default')!.extensions;
  assert.deepEqual([...extensions.keys()], ['s', 'echo', 'ring', 'wait', 'later', 'nostasis', 'h']);
  const steps = (exten: string): string[] =>
    [...extensions.get(exten)!.priorities.values()].map((p) => `${p.priority}:${p.app}(${p.appData})`);
  assert.deepEqual(steps('s'), [
    '1:NoOp(entering s)',
    '2:Answer()',
    '3:Stasis(test,from-dialplan,arg2)',
    '4:NoOp(after stasis ${STASISSTATUS})',
    '5:Hangup()',
  ]);
  assert.deepEqual(steps('later'), ['1:NoOp(continued here)', '2:Wait(1)', '3:Hangup()']);
  assert.deepEqual(steps('nostasis'), ['1:Stasis(not-registered-app)', '2:NoOp(status ${STASISSTATUS})', '3:Hangup()']);
  assert.deepEqual(dialplan.findPriority('default', 'echo', 2), {
    context: 'default',
    extension: 'echo',
    priority: 2,
    app: 'Echo',
    appData: '',
  });
  assert.equal(dialplan.exists('default', 'h'), true);
  assert.equal(dialplan.exists('default', 'wait', 3), false);
  assert.equal(dialplan.exists('default', '1234'), false, 'no pattern in the trace dialplan');
  const p = extensions.get('s')!.priorities.get(3)!;
  assert.deepEqual([p.file, p.line], ['extensions.conf', 4]);
});

test('the embedded config/extensions.conf loads and its run-time data substitutes', () => {
  const text = readFileSync(new URL('../../config/extensions.conf', import.meta.url), 'utf8');
  const { dialplan, errors } = loadExtensions(confFromText(text));
  assert.deepEqual(errors, []);
  const hangup = dialplan.findPriority('default', 'hangup', 1)!;
  assert.equal(hangup.app, 'Hangup');
  const run = (code: string): string =>
    substitute(hangup.appData, { variable: (n) => (n === 'HANGUPCODE' ? code : undefined), func: () => undefined });
  assert.equal(run(''), '16');
  assert.equal(run('17'), '17');
  assert.equal(dialplan.findPriority('default', '5551234', 1)?.extension, '_X.');
  assert.equal(dialplan.findPriority('default', 'echo', 1)?.extension, 'echo');
});

const DIALPLAN = `
[general]
static = yes
writeprotect = no

[globals]
TRUNK = PJSIP/trunk
OUT = \${TRUNK}/sip:
EMPTY =
SHORT = \${LEN(\${TRUNK})}

[tmpl](!)
exten => t,1,NoOp(template only)

[internal]
exten => 100,hint,PJSIP/100
exten => 100,1(start),Answer
 same => n(loop),Wait( 1 )
 same => n,Goto(loop)
exten => _NXX,1,Dial(\${OUT}\${EXTEN},30)
exten => _[1,2]X,1,NoOp(comma in a set)
exten => 200,10,NoOp()
 same => n+9,NoOp(twenty)
exten => 300 , 1 , Answer ( )
exten => 301,1,Set(x=\${IF($[1=1]?a:b)}) ; comment
exten => 302,1,\${APP}(not an application call)
exten => 303,1,NoOp(unclosed
exten => 304/555,1,NoOp(boss)
include => outbound
include => outbound
include => nowhere
include => timed,9:00-17:00,mon-fri,*,*
switch => DUNDi/e164
ignorepat => 9

[outbound]
exten => _9.,1,Dial(\${TRUNK})
`;

test('exten/same/include lines build contexts; labels, hints, globals and templates are handled', () => {
  const { dialplan, errors, globals } = loadExtensions(confFromText(DIALPLAN));
  assert.deepEqual(
    [...globals],
    [
      ['TRUNK', 'PJSIP/trunk'],
      ['OUT', 'PJSIP/trunk/sip:'],
      ['SHORT', '11'],
    ],
  );
  assert.deepEqual([...dialplan.contexts.keys()], ['internal', 'outbound'], 'no general, globals or template');
  assert.equal(dialplan.findLabel('internal', '100', 'start'), 1);
  assert.equal(dialplan.findLabel('internal', '100', 'loop'), 2);
  assert.deepEqual(dialplan.findPriority('internal', '100', 1), {
    context: 'internal',
    extension: '100',
    priority: 1,
    label: 'start',
    app: 'Answer',
    appData: '',
  });
  assert.equal(dialplan.findPriority('internal', '100', 2)?.appData, ' 1 ', 'arguments are kept as written');
  assert.equal(dialplan.findPriority('internal', '100', 3)?.appData, 'loop');
  assert.equal(dialplan.findPriority('internal', '555', 1)?.appData, '${OUT}${EXTEN},30', 'substituted at run time');
  assert.equal(dialplan.findPriority('internal', '15', 1)?.extension, '_[1,2]X');
  assert.equal(dialplan.findPriority('internal', '200', 20)?.appData, 'twenty', 'n+9 after 10');
  assert.deepEqual(dialplan.findPriority('internal', '300', 1)?.app, 'Answer');
  assert.deepEqual(dialplan.findPriority('internal', '300', 1)?.appData, ' ');
  assert.equal(dialplan.findPriority('internal', '301', 1)?.appData, 'x=${IF($[1=1]?a:b)}');
  assert.equal(dialplan.findPriority('internal', '302', 1)?.app, '${APP}(not an application call)');
  assert.equal(dialplan.findPriority('internal', '303', 1)?.appData, 'unclosed', 'kept, with a warning');
  assert.equal(dialplan.findPriority('internal', '304', 1, '555')?.appData, 'boss');
  assert.equal(dialplan.findPriority('internal', '9123', 1)?.context, 'outbound');
  assert.deepEqual(dialplan.includes.get('internal'), ['outbound', 'nowhere', 'timed']);
  assert.deepEqual(
    errors.map((e) => [e.line, e.message]),
    [
      [27, "No closing parenthesis found? 'NoOp(unclosed'"],
      [30, "Context 'outbound' already included in 'internal' context"],
      [32, "Time restriction '9:00-17:00,mon-fri,*,*' on include 'timed' is not supported: always included"],
      [31, "Context 'internal' tries to include nonexistent context 'nowhere'"],
      [32, "Context 'internal' tries to include nonexistent context 'timed'"],
    ],
  );
});

// Each line is loaded into `[ctx]` after `exten => ok,1,NoOp()`; [line, error it reports (undefined: none)].
const BAD_LINES: readonly (readonly [string, RegExp | undefined])[] = [
  ['exten => 100', /Invalid priority\/label ''/],
  ['exten => 100,', /Invalid priority\/label ''/],
  ['exten => 100,x,NoOp()', /Invalid priority\/label 'x'/],
  ['exten => 100,0,NoOp()', /Invalid priority '0'/],
  ['exten => 100,-3,NoOp()', /Invalid priority '-3'/],
  ['exten => 100,1(lbl,NoOp()', /Label missing trailing '\)'/],
  ['exten => 100,1,', /No application/],
  ['exten => 100,1,  (x)', /No application/],
  ['exten => ,1,NoOp()', /Missing extension name/],
  ['exten => ok,1,NoOp(again)', /already in use/],
  ['exten => _.,2,NoOp()', /strongly discouraged/],
  ['frobnicate => 1', /Unknown directive: frobnicate/],
  ['include =>', /include without a context name/],
  ['exten => 100,hint,PJSIP/100', undefined],
  ['switch => Realtime/a@b', undefined],
  ['lswitch => x', undefined],
  ['eswitch => x', undefined],
  ['ignorepat => 9', undefined],
  ['exten => 100,s,NoOp()', undefined], // `same` priority: 1 again, but for a new extension
  ['exten => 100,n,NoOp()', undefined],
  ['exten => 1abc,1abc,NoOp()', undefined], // sscanf %d reads the leading number
];

test('bad lines are reported with file and line and skipped; others load', () => {
  for (const [line, expected] of BAD_LINES) {
    const { errors, dialplan } = loadExtensions(confFromText(`[ctx]\nexten => ok,1,NoOp()\n${line}\n`, 'x.conf'));
    if (expected === undefined) assert.deepEqual(errors, [], line);
    else {
      assert.equal(errors.length, 1, `${line}: ${JSON.stringify(errors)}`);
      assert.match(errors[0]!.message, expected, line);
      assert.deepEqual([errors[0]!.file, errors[0]!.line], ['x.conf', 3], line);
    }
    assert.equal(dialplan.findPriority('ctx', 'ok', 1)?.appData, '', line);
  }
});

test('continuation rules: same and n need a previous line in the same context; a hint breaks n', () => {
  const load = (text: string) => loadExtensions(confFromText(text));
  assert.match(load('[a]\nsame => n,NoOp()').errors[0]!.message, /No previous pattern/);
  assert.match(load('[a]\nexten => 1,n,NoOp()').errors[0]!.message, /Can't use 'next' priority on the first entry/);
  assert.match(load('[a]\nexten => 1,s,NoOp()').errors[0]!.message, /Can't use 'same' priority/);
  // Continuation state does not carry into the next section, even one of the same name.
  assert.match(load('[a]\nexten => 1,1,NoOp()\n[a]\nsame => n,NoOp()').errors[0]!.message, /No previous pattern/);
  // `n` counts across extensions of a context, as pbx_config does.
  assert.equal(load('[a]\nexten => 1,5,NoOp()\nexten => 2,n,NoOp()').dialplan.exists('a', '2', 6), true);
  const afterHint = load('[a]\nexten => 1,hint,PJSIP/1\nsame => n,NoOp()');
  assert.match(afterHint.errors[0]!.message, /after a hint/);
  // A priority given as an existing label of the extension reuses that priority (and so collides).
  const byLabel = load('[a]\nexten => 1,1(top),NoOp()\nexten => 1,top,NoOp(again)');
  assert.match(byLabel.errors[0]!.message, /already in use/);
  // An exten line that fails still becomes the name `same` continues.
  const failed = load('[a]\nexten => 7,x,NoOp()\nsame => 1,NoOp(seven)');
  assert.equal(failed.dialplan.findPriority('a', '7', 1)?.appData, 'seven');
});

test('random extensions.conf input never throws', () => {
  const random = seededRandom(0x5eed);
  const keys = ['exten', 'same', 'include', 'switch', 'EXTEN', 'Same', 'x', ''];
  const pieces = [
    '_',
    'X',
    'N',
    '.',
    '!',
    '[',
    ']',
    '-',
    '1',
    's',
    ',',
    '(',
    ')',
    'n',
    '+',
    'hint',
    '${',
    '}',
    '$[',
    ' ',
    '/',
    'NoOp',
    '"',
    '\\',
  ];
  for (let i = 0; i < 2000; i++) {
    const entries = Array.from({ length: 1 + Math.floor(random() * 6) }, (_, line) => ({
      key: keys[Math.floor(random() * keys.length)]!,
      value: randomText(random, pieces, 16),
      op: '=>' as const,
      file: 'r.conf',
      line: line + 1,
    }));
    const names = ['ctx', 'general', 'globals', '', 'ctx'];
    const conf = {
      sections: [{ name: names[i % names.length]!, isTemplate: i % 7 === 0, templates: [], entries }],
      errors: [],
    };
    const { dialplan, errors } = loadExtensions(conf);
    for (const e of errors) assert.equal(e.file, 'r.conf');
    dialplan.findPriority('ctx', randomText(random, pieces, 6), 1);
  }
});
