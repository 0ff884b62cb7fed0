import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Needed only by apps that use the context; the module must load without them. */
const OPTIONAL_PEERS = [
  'graphql',
  '@nestjs/graphql',
  '@nestjs/apollo',
  '@apollo/server',
  '@nestjs/websockets',
  '@nestjs/platform-socket.io',
  'socket.io',
  '@nestjs/microservices',
];

const LIB = join(__dirname, '..', 'lib');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Module specifiers loaded when the file is loaded: static imports and re-exports, but not `import type`. */
function loadTimeImports(source: string): string[] {
  const statements = source.match(/^(?:import|export)\s(?!type\s)[^;]*?from\s+'[^']+'/gm) ?? [];
  const bare = source.match(/^import\s+'[^']+'/gm) ?? [];
  return [...statements, ...bare].map((statement) => statement.slice(statement.lastIndexOf("'", statement.length - 2) + 1, -1));
}

describe('optional peer dependencies', () => {
  const files = sourceFiles(LIB);

  it('finds the library sources and reads their imports', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(loadTimeImports(readFileSync(join(LIB, 'logto-auth.guard.ts'), 'utf8'))).toContain('@nestjs/common');
  });

  it.each(OPTIONAL_PEERS)('no library file loads %s at import time (only lazily, in its own context)', (peer) => {
    const offenders = files.filter((file) => loadTimeImports(readFileSync(file, 'utf8')).includes(peer));
    expect(offenders).toEqual([]);
  });

  it('the lazy imports are there, so the check above looks at the right code', () => {
    const sources = files.map((file) => readFileSync(file, 'utf8')).join('\n');
    expect(sources).toContain("await import('@nestjs/websockets')");
    expect(sources).toContain("await import('@nestjs/microservices')");
    expect(sources).toContain("await import('@nestjs/graphql')");
  });
});
