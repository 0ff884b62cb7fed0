import { execFileSync, spawnSync, SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** An app directory outside the repository that has nestjs-logto as a user installs it: built, under its name. */
export interface ConsumerProject {
  readonly dir: string;
  write(path: string, content: string): void;
  /** Runs `<node> <args>` in `cwd` (relative to the project), without throwing: the caller asserts status and output. */
  run(cwd: string, args: readonly string[], options?: { env?: NodeJS.ProcessEnv; node?: string }): SpawnSyncReturns<string>;
  remove(): void;
}

/**
 * Builds the package into `<dir>/node_modules/nestjs-logto` with its published manifest fields, and links
 * `dependencies` from this repository's node_modules (the versions the lockfile pins).
 */
export function createConsumerProject(dependencies: readonly string[], manifest: object = { private: true, type: 'module' }): ConsumerProject {
  const dir = mkdtempSync(join(tmpdir(), 'nestjs-logto-consumer-'));
  const out = join(dir, 'node_modules', 'nestjs-logto');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(out, 'dist')]);
  const { name, version, main, types, exports, typesVersions } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  writeFileSync(join(out, 'package.json'), JSON.stringify({ name, version, main, types, exports, typesVersions }));
  for (const dependency of dependencies) {
    mkdirSync(dirname(join(dir, 'node_modules', dependency)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', dependency), join(dir, 'node_modules', dependency));
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  return {
    dir,
    write: (path, content) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    },
    run: (cwd, args, { env = {}, node = process.execPath } = {}) =>
      spawnSync(node, [...args], { cwd: join(dir, cwd), encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
