/* global setInterval, clearInterval */
// `npm start` and `npm run dev-issuer` (`exec node sample/run.mjs <entry>`): compile the sample, then run
// the compiled entry in this very process. npm starts every script through `sh -c` and forwards SIGTERM
// and SIGINT to that shell only: a shell that waits for its child never passes them on (SIGINT is even
// ignored while it waits), so a `tsc && node` script left the server orphaned, still listening. `exec`
// makes this process the one npm signals, and one process does the build and the serving.
// If npm dies without forwarding anything (SIGKILL), this process is re-parented: it notices that and
// stops as on SIGTERM, so no server outlives the npm that started it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ENTRIES = { main: 'sample/main.js', 'dev-issuer': 'sample/dev-issuer/main.js' };
const entry = ENTRIES[process.argv[2] ?? ''];
if (!entry) {
  console.error(`usage: node sample/run.mjs ${Object.keys(ENTRIES).join(' | ')}`);
  process.exit(2);
}

const PARENT_CHECK_MS = 200;
const parent = process.ppid;
const parentWatch = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(parentWatch);
  process.kill(process.pid, 'SIGTERM'); // the entry's SIGTERM handler closes the servers
}, PARENT_CHECK_MS).unref();

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const build = spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'sample/tsconfig.json'], { cwd: root, stdio: 'inherit' });

// A signal during the build ends the build and this process; nothing listens yet.
let stoppedBy;
const stopBuild = (signal) => {
  stoppedBy = signal;
  build.kill(signal);
};
process.once('SIGINT', stopBuild).once('SIGTERM', stopBuild);
const [code] = await once(build, 'exit');
process.off('SIGINT', stopBuild).off('SIGTERM', stopBuild);

if (stoppedBy) {
  console.log(`\n${stoppedBy}: stopped while compiling.`);
} else if (code !== 0) {
  process.exitCode = code ?? 1;
} else {
  // The entry installs its own SIGINT / SIGTERM handlers, which stop the servers cleanly.
  require(`${root}.tmp/sample/${entry}`);
}
