/**
 * The layout's two rules (docs/architecture.md): no source file over 400 lines, and no import
 * circle (type-only imports count: a circle of types is still a knot to read).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const MAX_LINES = 400;

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) return files(path, pattern);
    return pattern.test(name) ? [path] : [];
  });
}

const sources = [...files('src', /\.tsx?$/), ...files('web/src', /\.(tsx?|css)$/), ...files('bench', /\.ts$/)];
const modules = sources.filter((f) => /\.tsx?$/.test(f));

/** Relative imports of a module, resolved to paths from the root (`import`, `import type`, `export … from`). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g)];
  return specs.map((m) => relative(ROOT, resolve(ROOT, dirname(file), m[1]!)));
}

describe('source layout', () => {
  it(`has no source file over ${MAX_LINES} lines`, () => {
    const long = sources
      .map((f) => ({ f, lines: readFileSync(join(ROOT, f), 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('has no import circle in src/, web/src/ or bench/', () => {
    const graph = new Map(modules.map((f) => [f, importsOf(f).filter((to) => to !== f)]));
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      path.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') circles.push([...path.slice(path.indexOf(next)), next].join(' → '));
        else if (!state.has(next) && graph.has(next)) visit(next);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of modules) if (!state.has(file)) visit(file);
    expect(circles).toEqual([]);
  });

  it('sees the imports it checks (the scan is not vacuous)', () => {
    expect(modules.length).toBeGreaterThan(100);
    expect(importsOf('src/server/index.ts')).toContain('src/server/engines.ts');
    expect(importsOf('web/src/i18n/chat.ts')).toContain('web/src/i18n/strings.ts');
  });
});
