// The popup and side panel paint the card from one background reply before the store and the
// schemas load (issue 5: popup open → card painted ≤ 100 ms). This holds only while the code those
// pages load up front stays free of Dexie and zod, which one careless import would undo: checked
// on the build (`npm run test:e2e` builds first), by following each page's static imports.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';

const dist = join(__dirname, '../../dist/chrome');

/** Every file a module loads before it runs: its static imports, transitively (not `import()`). */
function staticClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    // Minified ESM: `import{a as b}from"./chunks/x.js"` and bare `import"./chunks/y.js"`.
    for (const [, spec] of code.matchAll(/(?:\bfrom|\bimport)\s*"(\.{1,2}\/[^"]+)"/g)) visit(join(dirname(file), spec!));
  };
  visit(join(dist, entry));
  return [...seen];
}

const LIBRARIES = { dexie: /DatabaseClosedError/, zod: /ZodError/ };

describe('first paint of the popup and side panel', () => {
  test.each(['popup.js', 'sidepanel.js'])('%s loads neither Dexie nor zod before it runs', (entry) => {
    const files = staticClosure(entry);
    const loaded = Object.entries(LIBRARIES)
      .filter(([, signature]) => files.some((file) => signature.test(readFileSync(file, 'utf8'))))
      .map(([name]) => name);
    expect(loaded).toEqual([]);
    // The full panel still comes, through a dynamic import of a chunk that has them.
    const dynamic = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/import\("(\.{1,2}\/[^"]+)"\)/g)].map((m) => join(dirname(file), m[1]!)));
    expect(dynamic.length).toBeGreaterThan(0);
    expect(dynamic.every(existsSync)).toBe(true);
  });

  test('the options page does load them (the signatures are right)', () => {
    const files = staticClosure('options.js');
    for (const signature of Object.values(LIBRARIES)) {
      expect(files.some((file) => signature.test(readFileSync(file, 'utf8')))).toBe(true);
    }
  });
});
