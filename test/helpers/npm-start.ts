import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export interface NpmStart {
  readonly child: ChildProcess;
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the output once `text` has been printed; rejects if the process ends first or after `timeoutMs`. */
  waitForOutput(text: string, timeoutMs: number): Promise<string>;
  /** Ctrl-C in a terminal: SIGINT to the whole process group (npm, the shell, node). */
  interrupt(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** A process manager stopping npm: `signal` to the npm process alone, not its group; resolves when npm has exited. */
  signalNpm(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether any process of the group is still running. */
  groupAlive(): boolean;
  /** Last resort for a failed test: SIGKILL to the group. */
  kill(): void;
}

/** Runs `npm start` in the repository, in its own process group, with `env` over a copy of this one. */
export function runNpmStart(env: Record<string, string | undefined>): NpmStart {
  return runNpmScript('start', env);
}

/** Runs `npm run <script>` like `runNpmStart`. */
export function runNpmScript(script: string, env: Record<string, string | undefined>): NpmStart {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete childEnv[name];
  const child = spawn('npm', ['run', script], { cwd: process.cwd(), env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const pid = child.pid as number;
  const groupAlive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  return {
    child,
    output: () => output,
    waitForOutput: (text, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`"${text}" not printed within ${timeoutMs} ms:\n${output}`)), timeoutMs);
        const check = () => output.includes(text) && finish();
        const ended = () => finish(new Error(`npm run ${script} ended before printing "${text}":\n${output}`));
        function finish(error?: Error) {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          child.off('exit', ended);
          if (error) reject(error);
          else resolve(output);
        }
        child.stdout?.on('data', check);
        child.once('exit', ended);
        check();
      }),
    interrupt: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-pid, 'SIGINT');
      const [code, signal] = await exited;
      return { code, signal };
    },
    signalNpm: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, signal);
      const [code, exitSignal] = await exited;
      return { code, signal: exitSignal };
    },
    groupAlive,
    kill: () => {
      if (groupAlive()) process.kill(-pid, 'SIGKILL');
    },
  };
}
