import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readReadmeExamples } from './readme-examples';

const dir = mkdtempSync(join(tmpdir(), 'readme-examples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const readme = (text: string) => {
  const path = join(dir, `README-${n++}.md`);
  writeFileSync(path, text);
  return path;
};

describe('readReadmeExamples', () => {
  it('reads the quick start of the real README: main.ts, app.module.ts and the controller', () => {
    const examples = readReadmeExamples('quick-start', ['src/main.ts', 'src/app.module.ts', 'src/documents.controller.ts']);
    expect(examples.map((example) => example.path).sort()).toEqual(['src/app.module.ts', 'src/documents.controller.ts', 'src/main.ts']);
    expect(examples.find((example) => example.path === 'src/main.ts')?.code).toContain('NestFactory.create(AppModule)');
  });

  it('returns the block text verbatim, without the fences', () => {
    const path = readme('text\n<!-- example: s/a.ts -->\n```ts\nconst a = 1;\n\n  indented();\n```\nafter\n');
    expect(readReadmeExamples('s', [], path)).toEqual([{ path: 'a.ts', code: 'const a = 1;\n\n  indented();\n' }]);
  });

  it('fails loudly when the set is missing', () => {
    const path = readme('<!-- example: other/a.ts -->\n```ts\nx;\n```\n');
    expect(() => readReadmeExamples('quick-start', [], path)).toThrow('README.md has no example set "quick-start"');
  });

  it('fails loudly when a block is empty', () => {
    const path = readme('<!-- example: s/a.ts -->\n```ts\n\n```\n');
    expect(() => readReadmeExamples('s', [], path)).toThrow('the code block of s/a.ts is empty');
  });

  it('fails loudly when the marker is not immediately followed by a fence', () => {
    const path = readme('<!-- example: s/a.ts -->\n\n```ts\nx;\n```\n');
    expect(() => readReadmeExamples('s', [], path)).toThrow('must be immediately followed by a fenced code block');
  });

  it('fails loudly when a required file of the set is absent or a path repeats', () => {
    const one = readme('<!-- example: s/a.ts -->\n```ts\nx;\n```\n');
    expect(() => readReadmeExamples('s', ['a.ts', 'main.ts'], one)).toThrow('lacks main.ts');
    const twice = readme('<!-- example: s/a.ts -->\n```ts\nx;\n```\n<!-- example: s/a.ts -->\n```ts\ny;\n```\n');
    expect(() => readReadmeExamples('s', [], twice)).toThrow('s/a.ts is marked twice');
  });

  it('fails loudly when a block is never closed', () => {
    const path = readme('<!-- example: s/a.ts -->\n```ts\nx;\n');
    expect(() => readReadmeExamples('s', [], path)).toThrow('never closed');
  });
});
