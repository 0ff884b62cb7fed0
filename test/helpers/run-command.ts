import { spawn } from 'node:child_process';

export interface CommandResult {
  readonly output: string;
  readonly ms: number;
}

/** Runs a command to its end without blocking the event loop; rejects with its whole output if it fails. */
export function runCommand(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Date.now() - started;
      if (code === 0) resolve({ output, ms });
      else reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) ended with ${signal ?? `exit code ${code}`} after ${ms} ms:\n${output}`));
    });
  });
}
