/**
 * The client ships to applications that talk to Asterisk or Switchyard: what it loads at run time is the
 * operation tables and `ws`, never the server. Followed from src/client/index.ts through every runtime
 * import (type-only imports vanish from the built JavaScript and are left out).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runtime import specifiers of one file (`import type` and `export type` excluded). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gms)) {
    if (m[1] === undefined) out.push(m[2]!);
  }
  return out;
}

/** Every source file the built client loads, relative to the repository, and the packages it needs. */
function closure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    const rel = relative(ROOT, file);
    if (files.has(rel)) continue;
    files.add(rel);
    for (const spec of runtimeImports(file)) {
      if (spec.startsWith('.')) todo.push(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  }
  return { files, packages };
}

test('the client loads only its own files, the operation tables and ws at run time', () => {
  const { files, packages } = closure(join(ROOT, 'src/client/index.ts'));
  const allowed = /^src\/(client\/[\w-]+|ari\/operation|ari\/operations\/[\w-]+)\.ts$/;
  const outside = [...files].filter((f) => !allowed.test(f));
  assert.deepEqual(outside, []);
  assert.ok(files.has('src/ari/operations/channels.ts'));
  assert.deepEqual([...packages].sort(), ['ws']);
});

test('the runtime-import scanner sees imports and skips type-only ones', () => {
  const { files } = closure(join(ROOT, 'src/ari/contract/result.ts'));
  assert.ok(files.has('src/core/events/raw-json.ts'));
  assert.ok(!files.has('src/ari/models/wire.ts'));
});
