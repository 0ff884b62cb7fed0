import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const REPORT_PORT = pathToFileURL(resolve(__dirname, '../consumer/report-port.mjs')).href;

export interface RunningConsumerApp {
  readonly port: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a built consumer app's own `dist/main.js` with PORT=0 and `env`, and resolves with the port
 * once it listens (printed by the preloaded report-port.mjs). Rejects with the app's output if it exits
 * first or does not listen within `timeoutMs`.
 */
export function startConsumerApp(dir: string, env: Record<string, string>, timeoutMs: number): Promise<RunningConsumerApp> {
  const child: ChildProcess = spawn(process.execPath, ['--import', REPORT_PORT, 'dist/main.js'], {
    cwd: dir,
    env: { ...process.env, ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  return new Promise((resolvePort, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${dir}: ${why}:\n${output}`)));
    };
    const timer = setTimeout(() => fail(`not listening after ${timeoutMs} ms`), timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited (${signal ?? code}) before listening`);
    child.once('exit', onExit);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /LISTENING (\d+)/.exec(output);
      if (!listening) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolvePort({ port: Number(listening[1]), output: () => output, stop });
    });
  });
}
