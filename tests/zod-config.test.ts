// Every module takes zod from src/zod.ts, so that its configuration comes before any schema is
// built: a module importing 'zod' itself could build an object schema first and make zod try eval,
// which an extension's content security policy refuses (a CSP violation at every start; issue 5).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { config } from '../src/zod';

const srcDir = new URL('../src/', import.meta.url).pathname;
const sources = (readdirSync(srcDir, { recursive: true }) as string[])
  .filter((file) => /\.tsx?$/.test(file))
  .map((file) => join(srcDir, file));

describe('zod configuration', () => {
  it('is jitless', () => {
    expect(config().jitless).toBe(true);
  });
  it('finds the modules that use zod', () => {
    expect(sources.filter((file) => readFileSync(file, 'utf8').includes("from '../zod'")).length).toBeGreaterThan(5);
  });
  it('no module imports zod other than src/zod.ts', () => {
    const direct = sources.filter((file) => /from\s+['"]zod(\/[^'"]*)?['"]|import\(\s*['"]zod/.test(readFileSync(file, 'utf8')));
    expect(direct.map((file) => relative(srcDir, file))).toEqual(['zod.ts']);
  });
});
