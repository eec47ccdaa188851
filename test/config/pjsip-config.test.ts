import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConf } from '../../src/config/conf-parser.js';
import { embeddedConfigDir } from '../../src/config/load-config.js';
import { parseCallerId, parseIdentifyMatch, parsePjsipConfig } from '../../src/config/pjsip-config.js';

const parse = (text: string, userAgent?: string) =>
  parsePjsipConfig(parseConf(text, { file: 'pjsip.conf' }), userAgent === undefined ? {} : { userAgent });

test('the embedded pjsip.conf: loopback UDP transport, alice and bob built from templates, anonymous', () => {
  const text = readFileSync(join(embeddedConfigDir(), 'pjsip.conf'), 'utf8');
  const { config, errors } = parse(text, 'Switchyard 0.1.0');
  assert.deepEqual(errors, []);
  assert.equal(config.global.userAgent, 'Switchyard 0.1.0');
  assert.deepEqual(config.transports, [
    {
      name: 'transport-udp',
      protocol: 'udp',
      host: '127.0.0.1',
      port: 5060,
      externalSignalingAddress: '',
      externalMediaAddress: '',
      localNet: [],
    },
  ]);
  assert.deepEqual([...config.endpoints.keys()], ['alice', 'bob', 'anonymous']);
  for (const name of ['alice', 'bob']) {
    const ep = config.endpoints.get(name)!;
    assert.equal(ep.context, 'default');
    assert.deepEqual(ep.allow, ['ulaw', 'alaw']);
    assert.deepEqual(ep.auth, [`${name}-auth`]);
    assert.deepEqual(ep.aors, [name]);
    assert.equal(ep.dtmfMode, 'rfc4733');
    assert.deepEqual([ep.rtpSymmetric, ep.forceRport, ep.rewriteContact, ep.directMedia], [true, true, true, false]);
    const aor = config.aors.get(name)!;
    assert.deepEqual([aor.maxContacts, aor.removeExisting, aor.qualifyFrequency], [1, true, 0]);
    const auth = config.auths.get(`${name}-auth`)!;
    assert.deepEqual([auth.authType, auth.username, auth.password], ['digest', name, `${name}-secret`]);
  }
  const anon = config.endpoints.get('anonymous')!;
  assert.deepEqual([anon.context, anon.allow, anon.auth], ['default', ['ulaw', 'alaw'], []]);
  assert.deepEqual(config.identifies, []);
});

test('an empty file gives Asterisk’s global defaults and no objects', () => {
  const { config, errors } = parse('');
  assert.deepEqual(errors, []);
  assert.deepEqual(config.global, {
    userAgent: 'Switchyard',
    defaultFromUser: 'asterisk',
    defaultRealm: 'asterisk',
    maxForwards: 70,
    keepAliveInterval: 90,
    defaultOutboundEndpoint: '',
    endpointIdentifierOrder: ['ip', 'username', 'anonymous'],
  });
  assert.equal(config.endpoints.size + config.aors.size + config.auths.size, 0);
  assert.equal(config.transports.length + config.identifies.length, 0);
});

test('an endpoint with only a type has Asterisk’s defaults, including no codecs', () => {
  const { config } = parse('[e]\ntype=endpoint\n[a]\ntype=aor\n[u]\ntype=auth\n');
  const e = config.endpoints.get('e')!;
  assert.deepEqual(e.allow, []);
  assert.deepEqual(e.identifyBy, ['username', 'ip']);
  assert.deepEqual(
    [e.context, e.dtmfMode, e.rtpSymmetric, e.forceRport, e.rewriteContact, e.directMedia, e.sdpOwner, e.sdpSession],
    ['default', 'rfc4733', false, true, false, true, '-', 'Asterisk'],
  );
  assert.deepEqual(config.aors.get('a'), {
    name: 'a',
    contacts: [],
    maxContacts: 0,
    removeExisting: false,
    qualifyFrequency: 0,
    qualifyTimeout: 3,
    qualify2xxOnly: false,
    removeUnavailable: false,
    defaultExpiration: 3600,
    minimumExpiration: 60,
    maximumExpiration: 7200,
  });
  assert.deepEqual(config.auths.get('u'), {
    name: 'u',
    authType: 'digest',
    username: '',
    password: '',
    md5Cred: '',
    realm: '',
    nonceLifetime: 32,
    algorithmsUas: ['MD5'],
  });
});

test('templates: options are copied in order, lists accumulate, (+) appends', () => {
  const { config, errors } = parse(
    [
      '[base](!)',
      'type=endpoint',
      'allow=ulaw',
      'aors=one',
      'context=from-base',
      '[ep](base)',
      'allow=alaw',
      'aors=two,three',
      'context=mine',
      '[ep](+)',
      'auth=a1',
      'auth=a2',
      '[aor](!)',
      'type=aor',
      'contact=sip:x@127.0.0.1:5070',
      '[ep](aor)',
      'contact=sip:y@127.0.0.1:5071',
    ].join('\n'),
  );
  assert.deepEqual(errors, []);
  const ep = config.endpoints.get('ep')!;
  assert.deepEqual(ep.allow, ['ulaw', 'alaw']);
  assert.deepEqual(ep.aors, ['one', 'two', 'three']);
  assert.deepEqual(ep.auth, ['a1', 'a2']);
  assert.equal(ep.context, 'mine');
  assert.equal(config.endpoints.has('base'), false);
  assert.deepEqual(config.aors.get('ep')!.contacts, ['sip:x@127.0.0.1:5070', 'sip:y@127.0.0.1:5071']);
});

test('allow and disallow apply in order', () => {
  const allow = (...lines: string[]) => parse(['[e]', 'type=endpoint', ...lines].join('\n')).config.endpoints.get('e')!.allow; // prettier-ignore
  assert.deepEqual(allow('disallow=all', 'allow=alaw,ulaw'), ['alaw', 'ulaw']);
  assert.deepEqual(allow('allow=ulaw,alaw', 'disallow=all'), []);
  assert.deepEqual(allow('allow=all', 'allow=!ulaw'), ['alaw', 'g722', 'slin16']);
  assert.deepEqual(allow('allow=ulaw,alaw', 'disallow=ulaw', 'allow=ulaw'), ['alaw', 'ulaw']);
  assert.deepEqual(allow('allow=alaw', 'allow=ulaw,alaw'), ['alaw', 'ulaw']); // a repeat keeps its place
  assert.deepEqual(allow('allow=ULAW'), ['ulaw']);
});

test('an unknown codec is ignored with an error on its line', () => {
  const { config, errors } = parse('[e]\ntype=endpoint\nallow=g729,ulaw,opus\n');
  assert.deepEqual(config.endpoints.get('e')!.allow, ['ulaw']);
  assert.equal(errors.length, 2);
  assert.deepEqual(errors.map((e) => e.line), [3, 3]); // prettier-ignore
  assert.match(errors[0]!.message, /g729/);
});

test('callerid forms', () => {
  assert.deepEqual(parseCallerId('"Alice" <1000>'), { name: 'Alice', number: '1000' });
  assert.deepEqual(parseCallerId('Bob Smith <+15551234>'), { name: 'Bob Smith', number: '+15551234' });
  assert.deepEqual(parseCallerId('<2000>'), { name: '', number: '2000' });
  assert.deepEqual(parseCallerId('3000'), { name: '', number: '3000' });
  assert.deepEqual(parseCallerId('Reception'), { name: 'Reception', number: '' });
  const { config } = parse('[e]\ntype=endpoint\ncallerid="Alice" <1000>\n');
  const e = config.endpoints.get('e')!;
  assert.deepEqual([e.callerIdName, e.callerIdNumber], ['Alice', '1000']);
});

test('identify match forms', () => {
  assert.deepEqual(parseIdentifyMatch('192.0.2.10'), { address: '192.0.2.10', prefix: 32, family: 'ipv4' });
  assert.deepEqual(parseIdentifyMatch('192.0.2.0/24'), { address: '192.0.2.0', prefix: 24, family: 'ipv4' });
  assert.deepEqual(parseIdentifyMatch('10.0.0.0/255.255.0.0'), { address: '10.0.0.0', prefix: 16, family: 'ipv4' });
  assert.deepEqual(parseIdentifyMatch('127.0.0.1:5080'), { address: '127.0.0.1', prefix: 32, family: 'ipv4', port: 5080 }); // prettier-ignore
  assert.deepEqual(parseIdentifyMatch('::1'), { address: '::1', prefix: 128, family: 'ipv6' });
  assert.deepEqual(parseIdentifyMatch('[::1]:5080'), { address: '::1', prefix: 128, family: 'ipv6', port: 5080 });
  assert.deepEqual(parseIdentifyMatch('2001:db8::/32'), { address: '2001:db8::', prefix: 32, family: 'ipv6' });
  assert.match(parseIdentifyMatch('sip.example.com') as string, /host names are not supported/);
  assert.match(parseIdentifyMatch('10.0.0.0/255.0.255.0') as string, /Invalid mask/);
  assert.match(parseIdentifyMatch('10.0.0.0/33') as string, /Invalid mask/);
  assert.match(parseIdentifyMatch('10.0.0.1:99999') as string, /Invalid port/);
});

test('identify sections: matches accumulate; a bad item is reported and the rest kept; no endpoint → skipped', () => {
  const { config, errors } = parse(
    '[sipp]\ntype=identify\nendpoint=sipp\nmatch=127.0.0.1,host.example\nmatch=[::1]:5080\n[orphan]\ntype=identify\nmatch=10.0.0.1\n', // prettier-ignore
  );
  assert.deepEqual(config.identifies, [
    {
      name: 'sipp',
      endpoint: 'sipp',
      match: [
        { address: '127.0.0.1', prefix: 32, family: 'ipv4' },
        { address: '::1', prefix: 128, family: 'ipv6', port: 5080 },
      ],
    },
  ]);
  assert.deepEqual(errors.map((e) => e.line), [4, 7]); // prettier-ignore
  assert.match(errors[1]!.message, /Identify 'orphan' skipped/);
});

test('the same name may hold an endpoint, an aor and an identify', () => {
  const { config, errors } = parse(
    '[sipp]\ntype=endpoint\naors=sipp\n[sipp]\ntype=aor\ncontact=sip:sipp@127.0.0.1:5080\n[sipp]\ntype=identify\nendpoint=sipp\nmatch=127.0.0.1\n', // prettier-ignore
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(config.endpoints.get('sipp')!.aors, ['sipp']);
  assert.deepEqual(config.aors.get('sipp')!.contacts, ['sip:sipp@127.0.0.1:5080']);
  assert.equal(config.identifies[0]!.endpoint, 'sipp');
});

test('transports: bind forms, the TLS default port, protocol errors, bind required', () => {
  const { config, errors } = parse(
    [
      '[t1]\ntype=transport\nbind=0.0.0.0:5060',
      '[t2]\ntype=transport\nprotocol=tcp\nbind=[::1]:5062',
      '[t3]\ntype=transport\nbind=0.0.0.0\nprotocol=tls',
      '[t4]\ntype=transport\nbind=::',
      '[t5]\ntype=transport\nprotocol=udp',
      '[t6]\ntype=transport\nprotocol=sctp\nbind=example.com:5060\nlocal_net=10.0.0.0/8\nlocal_net=192.168.0.0/16',
    ].join('\n'),
  );
  const summary = config.transports.map((t) => `${t.name} ${t.protocol} ${t.host} ${t.port}`);
  assert.deepEqual(summary, ['t1 udp 0.0.0.0 5060', 't2 tcp ::1 5062', 't3 tls 0.0.0.0 5061', 't4 udp :: 5060']);
  assert.deepEqual(
    errors.map((e) => [e.line, e.message]),
    [
      [20, "Transport protocol 'sctp' is not supported"],
      [21, "Invalid bind address 'example.com:5060'"],
      [16, "Transport 't5' skipped: no 'bind' address"],
      [19, "Transport 't6' skipped: no 'bind' address"],
    ],
  );
});

test('auth_type: userpass and digest are digest, md5 is kept, others are errors', () => {
  const types = (t: string) => parse(`[a]\ntype=auth\nauth_type=${t}\n`);
  assert.equal(types('userpass').config.auths.get('a')!.authType, 'digest');
  assert.equal(types('digest').config.auths.get('a')!.authType, 'digest');
  assert.equal(types('md5').config.auths.get('a')!.authType, 'md5');
  assert.match(types('google_oauth').errors[0]!.message, /Unsupported auth_type/);
});

test('bad values keep the default and are reported with their line', () => {
  const { config, errors } = parse(
    [
      '[g]',
      'type=global',
      'max_forwards=abc',
      'user_agent=Custom UA',
      '[e]',
      'type=endpoint',
      'dtmf_mode=rfc2833',
      'identify_by=ip,phone',
      'rtp_timeout=-1',
      'bogus_option=1',
      'send_pai=yes',
      '[a]',
      'type=aor',
      'max_contacts=many',
      'qualify_timeout=fast',
    ].join('\n'),
  );
  assert.equal(config.global.maxForwards, 70);
  assert.equal(config.global.userAgent, 'Custom UA');
  const e = config.endpoints.get('e')!;
  assert.deepEqual([e.dtmfMode, e.identifyBy, e.rtpTimeout], ['rfc4733', ['username', 'ip'], 0]);
  assert.equal(config.aors.get('a')!.maxContacts, 0);
  assert.deepEqual(errors.map((x) => x.line), [3, 7, 8, 9, 10, 14, 15]); // prettier-ignore
  assert.equal(errors[4]!.message, "Could not find option suitable for category 'e' named 'bogus_option'");
});

test('sections with an unknown or missing type are skipped with an error', () => {
  const { config, errors } = parse(
    '[reg]\ntype=registration\nserver_uri=sip:x\n[nothing]\ncontext=x\n[e]\ntype=endpoint\n',
  );
  assert.deepEqual([...config.endpoints.keys()], ['e']);
  assert.deepEqual(errors, [
    { file: 'pjsip.conf', line: 2, message: "Section 'reg' skipped: unknown type 'registration'" },
    { file: 'pjsip.conf', line: 5, message: "Section 'nothing' skipped: no 'type'" },
  ]);
});

test('auth supported_algorithms_uas: a list in order, unknown names are errors, MD5 by default', () => {
  const parse = (text: string) => parsePjsipConfig(parseConf(text, { file: 'pjsip.conf' }));
  const r = parse(
    '[a]\ntype=auth\nusername=a\npassword=p\nsupported_algorithms_uas=sha-256, MD5, sha-1\n[b]\ntype=auth\n',
  );
  assert.deepEqual(r.config.auths.get('a')!.algorithmsUas, ['SHA-256', 'MD5']);
  assert.deepEqual(r.config.auths.get('b')!.algorithmsUas, ['MD5']);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0]!.message, /sha-1/);
});
