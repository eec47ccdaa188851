#!/usr/bin/env node
// Generates the ARI declaration tables (src/ari/operations/*.ts, src/ari/models/*.ts) from the reference
// tables ari-operations.md and ari-models.md. The product never reads the reference at run time: the
// generated files are committed. Output is prettier-formatted here, so running the script twice (or after
// `npx prettier --write`) gives byte-identical files.
//
//   node scripts/gen-api-tables.mjs [referenceDir]     (default: ../shared/reference from the repo root)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REF_DIR = resolve(process.argv[2] ?? join(REPO, '..', 'shared', 'reference'));

/** resources.json order and descriptions (semantics.md §2); file names follow the kebab-case rule. */
const RESOURCES = [
  ['asterisk', 'Asterisk resources'],
  ['endpoints', 'Endpoint resources'],
  ['channels', 'Channel resources'],
  ['bridges', 'Bridge resources'],
  ['recordings', 'Recording resources'],
  ['sounds', 'Sound resources'],
  ['playbacks', 'Playback control resources'],
  ['deviceStates', 'Device state resources'],
  ['mailboxes', 'Mailboxes resources'],
  ['events', 'WebSocket resource'],
  ['applications', 'Stasis application resources'],
];
const fileOf = (resource) => resource.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

// ---------------------------------------------------------------------------------------------------------
// Markdown helpers

/** Cells of one table row; `\|` inside a cell is an escaped pipe, not a separator. */
function cells(line) {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}
const isEmpty = (s) => s === '' || s === '—';
const unTick = (s) => s.replace(/^`(.*)`$/, '$1');
const ticked = (s) => [...s.matchAll(/`([^`]*)`/g)].map((m) => m[1]);

/** Rows of the table whose header starts at lines[start]; returns the rows and the index after the table. */
function readTable(lines, start) {
  const header = cells(lines[start]);
  const rows = [];
  let i = start + 2; // skip the |---| line
  for (; i < lines.length && lines[i].startsWith('|'); i++) {
    const row = cells(lines[i]);
    if (row.length !== header.length) fail(`line ${i + 1}: ${row.length} cells, header has ${header.length}`);
    rows.push(Object.fromEntries(header.map((h, k) => [h, row[k]])));
  }
  return { rows, next: i };
}

/** "≤16" means "already in 16.0.0": no precise version, so no `since`. */
function since(s) {
  if (isEmpty(s) || s === '≤16') return undefined;
  return s.split(/,\s*/);
}

function fail(message) {
  throw new Error(`gen-api-tables: ${message}`);
}

// ---------------------------------------------------------------------------------------------------------
// ari-operations.md

/** "400: a; 404: b (since 20.1.0); 409 (string!): c; d" → {400:'a', 404:'b', 409:'c; d'}. */
function parseErrors(s) {
  const errors = {};
  if (isEmpty(s)) return errors;
  for (const part of s.split(/;\s*(?=\d{3}\b)/)) {
    const m = /^(\d{3})(?:\s*\([^)]*\))?:\s*(.+)$/.exec(part);
    if (!m) fail(`unparsable error "${part}"`);
    const code = Number(m[1]);
    if (code in errors) fail(`duplicate error code ${code} in "${s}"`);
    errors[code] = m[2].replace(/\s*\(since [^)]*\)$/, '');
  }
  return errors;
}

/** "`a`, `b` (since 16.2.0)" → ['a','b']; "range 0..∞" → {min:0}. */
function parseAllowed(s) {
  if (isEmpty(s)) return {};
  const range = /^range (-?\d+|-∞)\.\.(-?\d+|∞)$/.exec(s);
  if (range) {
    const r = {};
    if (range[1] !== '-∞') r.min = Number(range[1]);
    if (range[2] !== '∞') r.max = Number(range[2]);
    return { range: r };
  }
  const values = ticked(s);
  if (values.length === 0) fail(`unparsable allowed values "${s}"`);
  return { allowed: values };
}

function parseDefault(raw, type) {
  if (isEmpty(raw)) return undefined;
  if (type === 'int' || type === 'long') {
    if (!/^-?\d+$/.test(raw)) fail(`non-numeric default "${raw}" for ${type}`);
    return Number(raw);
  }
  if (type === 'boolean') {
    if (raw !== 'true' && raw !== 'false') fail(`bad boolean default "${raw}"`);
    return raw === 'true';
  }
  return raw;
}

const PARAM_TYPES = new Set(['string', 'int', 'long', 'double', 'boolean', 'containers', 'object']);
const PARAM_SOURCES = new Set(['path', 'query', 'body']);

function toParam(row) {
  const type = row.Type;
  if (!PARAM_TYPES.has(type)) fail(`unknown param type "${type}"`);
  if (!PARAM_SOURCES.has(row.In)) fail(`unknown param source "${row.In}"`);
  const p = { name: unTick(row.Param), in: row.In, type, required: row.Req === 'yes', description: row.Notes };
  const def = parseDefault(row.Default, type);
  if (def !== undefined) p.default = def;
  Object.assign(p, parseAllowed(row.Allowed));
  if (row.Multi === 'yes') p.multi = true;
  const s = since(row.Since);
  if (s) p.since = s;
  return p;
}

function toOperation(resource, row) {
  const success = Number(/^\d{3}/.exec(row.Success)?.[0]);
  if (!success) fail(`no success status for ${row.Nickname}`);
  const op = {
    resource,
    nickname: row.Nickname,
    method: row.Method,
    path: unTick(row.Path),
    summary: row.Purpose,
  };
  if (!isEmpty(row['Extra (implementation)'])) op.notes = row['Extra (implementation)'];
  Object.assign(op, { responseClass: row.Returns, success, errors: parseErrors(row['Errors (documented)']) });
  op.params = [];
  const s = since(row.Since);
  if (s) op.since = s;
  if (success === 101) op.upgrade = 'websocket';
  return op;
}

function parseOperations(md) {
  const lines = md.split('\n');
  const resources = [];
  let current;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heading = /^## Resource `(\w+)`/.exec(line);
    if (heading) {
      current = { name: heading[1], operations: [] };
      resources.push(current);
      continue;
    }
    if (line.startsWith('## ') || /^-{10,}$/.test(line)) current = undefined;
    if (!current) continue;
    const meta = /^resourcePath `([^`]+)`; resource since ([^;]+); requires modules: (.+)\.$/.exec(line);
    if (meta) {
      current.since = since(meta[2]);
      current.requiresModules = isEmpty(meta[3]) ? undefined : meta[3].split(/,\s*/);
    } else if (line.startsWith('| Method |')) {
      const { rows, next } = readTable(lines, i);
      for (const row of rows) current.operations.push(toOperation(current.name, row));
      i = next - 1;
    } else if (line.startsWith('| Op | Param |')) {
      const { rows, next } = readTable(lines, i);
      for (const row of rows) {
        const op = current.operations.find((o) => o.nickname === row.Op);
        if (!op) fail(`parameter ${row.Param} of unknown operation ${current.name}.${row.Op}`);
        op.params.push(toParam(row));
      }
      i = next - 1;
    }
  }
  return resources;
}

// ---------------------------------------------------------------------------------------------------------
// ari-models.md

function parseModels(md) {
  const lines = md.split('\n');
  const models = [];
  let inModels = false;
  let current;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('## ')) {
      inModels =
        !line.startsWith('## Observed') && !line.startsWith('## Conventions') && !line.startsWith('## Event envelope');
      current = undefined;
      continue;
    }
    if (!inModels) continue;
    const heading = /^### (\w+)(?: — extends `(\w+)`)?\s*$/.exec(line);
    if (heading) {
      current = { id: heading[1], extends: heading[2], properties: {} };
      models.push(current);
      continue;
    }
    if (!current) continue;
    const defined = /^\(defined in (\w+)\.json; since ([^;)]+)(?:; discriminator `(\w+)`)?\)\s*(.*)$/.exec(line);
    if (defined) {
      current.resource = defined[1];
      current.since = since(defined[2]);
      current.discriminator = defined[3];
      current.description = defined[4].trim();
    } else if (line.startsWith('Subtypes: ')) {
      current.subTypes = ticked(line);
    } else if (line.startsWith('| Field |')) {
      const { rows, next } = readTable(lines, i);
      for (const row of rows) {
        const prop = { type: row.Type };
        if (row.Req === 'yes') prop.required = true;
        if (!isEmpty(row.Notes)) prop.description = row.Notes;
        const allowed = parseAllowed(row['Allowed values']);
        if (allowed.range) fail(`range on model property ${current.id}.${row.Field}`);
        if (allowed.allowed) prop.allowed = allowed.allowed;
        current.properties[unTick(row.Field)] = prop;
      }
      i = next - 1;
    }
  }
  for (const m of models) if (!m.resource) fail(`model ${m.id} has no "(defined in ...)" line`);
  return models.map((m) => ({
    id: m.id,
    resource: m.resource,
    description: m.description,
    ...(m.extends && { extends: m.extends }),
    ...(m.subTypes && { subTypes: m.subTypes }),
    ...(m.discriminator && { discriminator: m.discriminator }),
    ...(m.since && { since: m.since }),
    properties: m.properties,
  }));
}

// ---------------------------------------------------------------------------------------------------------
// TypeScript emission

const IDENT = /^[A-Za-z_$][\w$]*$/;
const str = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;

/** A TypeScript literal for plain data; prettier lays it out afterwards. */
function lit(v) {
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(lit).join(', ')}]`;
  const entries = Object.entries(v).filter(([, x]) => x !== undefined);
  const key = (k) => (IDENT.test(k) || /^\d+$/.test(k) ? k : str(k));
  return `{ ${entries.map(([k, x]) => `${key(k)}: ${lit(x)}`).join(', ')} }`;
}

const HEADER = (source) =>
  `// Generated by scripts/gen-api-tables.mjs from the reference table ${source}. Do not edit by hand:\n` +
  `// change the table or the script and run \`node scripts/gen-api-tables.mjs\`.\n`;

/**
 * One resource's declarations, keyed by nickname. Literal types survive (`as const` on shared parameters, a
 * `const` type parameter in defineOperation), so a handler's argument type is derived from its declaration.
 * A parameter declared identically by several operations (originate and originateWithId, play and playWithId,
 * the `{channelId}` of every channel operation) is written once as a constant and referred to, so the table says
 * each fact once.
 */
function operationsFile(resource, ops) {
  const uses = new Map();
  for (const op of ops) for (const p of op.params) uses.set(lit(p), (uses.get(lit(p)) ?? 0) + 1);
  const shared = new Map();
  const taken = new Set();
  const consts = [];
  for (const op of ops) {
    for (const p of op.params) {
      const text = lit(p);
      if (uses.get(text) < 2 || shared.has(text)) continue;
      let ident = `${p.name.replace(/\W/g, '_')}Param`;
      for (let i = 2; taken.has(ident); i++) ident = `${p.name.replace(/\W/g, '_')}Param${i}`;
      taken.add(ident);
      shared.set(text, ident);
      consts.push(`const ${ident} = ${text} as const satisfies ParamDecl;\n`);
    }
  }
  const opLit = (op) => {
    const key = (k) => (IDENT.test(k) ? k : str(k));
    const entries = Object.entries(op).filter(([, x]) => x !== undefined);
    return `{ ${entries
      .map(([k, x]) =>
        k === 'params' ? `params: [${x.map((p) => shared.get(lit(p)) ?? lit(p)).join(', ')}]` : `${key(k)}: ${lit(x)}`,
      )
      .join(', ')} }`;
  };
  const types = consts.length > 0 ? 'defineOperation, type ParamDecl' : 'defineOperation';
  const key = (k) => (IDENT.test(k) ? k : str(k));
  return (
    HEADER('ari-operations.md') +
    `import { ${types} } from '../operation.js';\n\n` +
    (consts.length > 0 ? `/** Parameters that several operations declare alike. */\n${consts.join('')}\n` : '') +
    `/** The ${resource} operations by nickname. */\n` +
    `export const ${resource}Operations = {\n` +
    ops.map((op) => `  ${key(op.nickname)}: defineOperation(${opLit(op)}),\n`).join('') +
    `};\n`
  );
}

function operationsIndex(resources) {
  const imports = resources.map((r) => `import { ${r.name}Operations } from './${fileOf(r.name)}.js';`).join('\n');
  const decls = resources.map((r) => {
    const description = RESOURCES.find(([n]) => n === r.name)[1];
    return { name: r.name, description, since: r.since, requiresModules: r.requiresModules };
  });
  return (
    HEADER('ari-operations.md') +
    `import type { OperationDecl, ResourceDecl, ResourceName } from '../operation.js';\n${imports}\n\n` +
    `/** Each resource's operations by nickname, in resources.json order: the typed contract reads this. */\n` +
    `export const OPERATIONS = {\n` +
    resources.map((r) => `  ${r.name}: ${r.name}Operations,\n`).join('') +
    `};\n\n` +
    `/** The declarations of one resource, by nickname. */\n` +
    `export type OperationsOf<R extends ResourceName> = (typeof OPERATIONS)[R];\n\n` +
    `/** Every ARI operation, grouped by resource in resources.json order. */\n` +
    `export const ALL_OPERATIONS: readonly OperationDecl[] = [\n` +
    resources.map((r) => `  ...Object.values(${r.name}Operations),\n`).join('') +
    `];\n\n` +
    `/** The 11 resources as resources.json lists them (descriptions as Asterisk's listing words them). */\n` +
    `export const RESOURCES: readonly ResourceDecl[] = ${lit(decls)};\n\n` +
    `const byKey = new Map(ALL_OPERATIONS.map((op) => [\`\${op.resource}/\${op.nickname}\`, op]));\n\n` +
    `/** The operation a resource exposes under this nickname (nicknames repeat across resources). */\n` +
    `export function findOperation(resource: string, nickname: string): OperationDecl | undefined {\n` +
    `  return byKey.get(\`\${resource}/\${nickname}\`);\n}\n\n` +
    `/** The operations of one resource, in declaration order. */\n` +
    `export function operationsOf(resource: ResourceName): readonly OperationDecl[] {\n` +
    `  return ALL_OPERATIONS.filter((op) => op.resource === resource);\n}\n`
  );
}

function modelsFile(resource, models) {
  return (
    HEADER('ari-models.md') +
    `import type { ModelDecl } from '../operation.js';\n\n` +
    `export const ${resource}Models: readonly ModelDecl[] = [\n` +
    models.map((m) => `  ${lit(m)},\n`).join('') +
    `];\n`
  );
}

function modelsIndex() {
  const imports = RESOURCES.map(([n]) => `import { ${n}Models } from './${fileOf(n)}.js';`).join('\n');
  return (
    HEADER('ari-models.md') +
    `import type { ModelDecl, ResourceName } from '../operation.js';\n${imports}\n\n` +
    `/** Every model and event type, grouped by the resource file that defines it. */\n` +
    `export const ALL_MODELS: readonly ModelDecl[] = [\n` +
    RESOURCES.map(([n]) => `  ...${n}Models,\n`).join('') +
    `];\n\n` +
    `const byId = new Map(ALL_MODELS.map((m) => [m.id, m]));\n\n` +
    `/** The models whose definition lives in this resource's API declaration. */\n` +
    `export function modelsOf(resource: ResourceName): readonly ModelDecl[] {\n` +
    `  return ALL_MODELS.filter((m) => m.resource === resource);\n}\n\n` +
    `/** A model or event type by id, e.g. 'Channel' or 'StasisStart'. */\n` +
    `export function findModel(id: string): ModelDecl | undefined {\n  return byId.get(id);\n}\n`
  );
}

/**
 * The wire models as TypeBox schemas (JSON Schema at run time, TypeScript types through Static): what core
 * publishes, what the docs and the event check validate, what the typed client returns. An event's schema holds
 * its whole envelope (Message + Event fields, `type` as a literal) and refuses unknown fields.
 */
function schemasFile(models) {
  const byId = new Map(models.map((m) => [m.id, m]));
  const isEvent = (m) => m.extends === 'Event' || m.extends === 'Message';
  const inner = (t) => /^List\[(.+)\]$/.exec(t)?.[1] ?? t;
  const refs = (m) =>
    Object.values(m.properties)
      .map((p) => inner(p.type))
      .filter((t) => byId.has(t));
  // Models in dependency order (a model after every model its properties name).
  const order = [];
  const seen = new Set();
  const visit = (m) => {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    for (const r of refs(m)) visit(byId.get(r));
    order.push(m);
  };
  for (const m of models) if (m.id !== 'Message' && m.id !== 'Event') visit(m);
  const typeOf = (t) => {
    const list = /^List\[(.+)\]$/.exec(t);
    if (list) return `Type.Array(${typeOf(list[1])})`;
    switch (t) {
      case 'string':
      case 'Date':
        return 'Type.String()';
      case 'int':
      case 'long':
        return 'Type.Integer()';
      case 'double':
        return 'Type.Number()';
      case 'boolean':
        return 'Type.Boolean()';
      case 'object':
        return 'Type.Record(Type.String(), Type.Unknown())';
      default:
        if (!byId.has(t)) fail(`unknown model type ${t}`);
        return t;
    }
  };
  const props = (properties, extra = []) => {
    const parts = [...extra];
    for (const [name, p] of Object.entries(properties)) {
      const t = typeOf(p.type);
      parts.push(`${IDENT.test(name) ? name : str(name)}: ${p.required ? t : `Type.Optional(${t})`}`);
    }
    return `{ ${parts.join(', ')} }`;
  };
  const envelope = (m) => {
    const base = byId.get('Message').properties;
    const all = { ...(m.extends === 'Event' ? byId.get('Event').properties : {}), ...m.properties };
    delete all.type;
    // asterisk_id is optional in the model but always on the wire (semantics.md §3.3).
    const rest = Object.fromEntries(Object.entries(base).filter(([k]) => k !== 'type'));
    return props(
      { ...all, ...Object.fromEntries(Object.entries(rest).map(([k, p]) => [k, { ...p, required: true }])) },
      [`type: Type.Literal(${str(m.id)})`],
    );
  };
  const events = order.filter(isEvent);
  let out =
    HEADER('ari-models.md') +
    `import { Type, type Static } from 'typebox';\n\n` +
    `const closed = { additionalProperties: false } as const;\n\n`;
  for (const m of order) {
    const body = isEvent(m) ? envelope(m) : props(m.properties);
    out += `/** ${m.description.replace(/\*\//g, '*\\/') || m.id} */\n`;
    out += `export const ${m.id} = Type.Object(${body}, closed);\n`;
    out += `export type ${m.id} = Static<typeof ${m.id}>;\n\n`;
  }
  out +=
    `/** The schema of every message the events WebSocket carries, by \`type\`. */\n` +
    `export const EVENT_SCHEMAS = {\n${events.map((m) => `  ${m.id},\n`).join('')}};\n\n` +
    `export type EventType = keyof typeof EVENT_SCHEMAS;\n\n` +
    `/** One event as it is on the wire. */\n` +
    `export type EventOf<T extends EventType> = Static<(typeof EVENT_SCHEMAS)[T]>;\n\n` +
    `/** Any event. */\n` +
    `export type AriEvent = { [T in EventType]: EventOf<T> }[EventType];\n\n` +
    `/** The schema of each resource model (not events), by id. */\n` +
    `export const MODEL_SCHEMAS = {\n${order
      .filter((m) => !isEvent(m))
      .map((m) => `  ${m.id},\n`)
      .join('')}};\n\n` +
    `export type ModelName = keyof typeof MODEL_SCHEMAS;\n`;
  return out;
}

// ---------------------------------------------------------------------------------------------------------

function check(resources, models) {
  const names = resources.map((r) => r.name).join(',');
  if (names !== RESOURCES.map(([n]) => n).join(',')) fail(`resources out of order: ${names}`);
  const ids = new Set(models.map((m) => m.id));
  if (ids.size !== models.length) fail('duplicate model id');
  for (const m of models) {
    if (!RESOURCES.some(([n]) => n === m.resource)) fail(`model ${m.id} in unknown resource ${m.resource}`);
    for (const sub of m.subTypes ?? []) if (!ids.has(sub)) fail(`${m.id} names missing subtype ${sub}`);
    if (m.extends && !ids.has(m.extends)) fail(`${m.id} extends missing ${m.extends}`);
  }
}

async function main() {
  const resources = parseOperations(readFileSync(join(REF_DIR, 'ari-operations.md'), 'utf8'));
  const models = parseModels(readFileSync(join(REF_DIR, 'ari-models.md'), 'utf8'));
  check(resources, models);

  const files = new Map();
  for (const r of resources) files.set(`src/ari/operations/${fileOf(r.name)}.ts`, operationsFile(r.name, r.operations));
  files.set('src/ari/operations/index.ts', operationsIndex(resources));
  for (const [name] of RESOURCES) {
    files.set(
      `src/ari/models/${fileOf(name)}.ts`,
      modelsFile(
        name,
        models.filter((m) => m.resource === name),
      ),
    );
  }
  files.set('src/ari/models/index.ts', modelsIndex());
  files.set('src/ari/models/wire.ts', schemasFile(models));

  const prettier = await import('prettier');
  for (const [rel, text] of files) {
    const path = join(REPO, rel);
    const options = (await prettier.resolveConfig(path)) ?? {};
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await prettier.format(text, { ...options, filepath: path }));
  }
  const ops = resources.flatMap((r) => r.operations);
  const params = ops.reduce((n, op) => n + op.params.length, 0);
  console.log(`${ops.length} operations, ${params} parameters, ${models.length} models → ${files.size} files`);
}

await main();
