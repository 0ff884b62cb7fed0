#!/usr/bin/env node
// Mutation check (issue 16): puts each bug of ./mutations.mjs into lib/, one at a time, runs only the test
// files that bug names, and counts it caught when they fail. Prints caught/total and every survivor.
//
//   npm run test:mutations                    every mutation
//   npm run test:mutations -- cache-ticket-late public-reads-header   only these ids
//   npm run test:mutations -- --list          the ids, files and tests, without running anything
//
// Each file is restored after its mutation: in `finally`, on SIGINT/SIGTERM/SIGHUP, and, should the process
// be killed outright, at the next start from the journal file (.mutation-in-progress.json).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EQUIVALENT_MUTATIONS, MUTATIONS } from './mutations.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const JOURNAL = join(ROOT, '.mutation-in-progress.json');
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
// A mutation whose tests run longer than this is counted caught (a hang is noticed), and reported.
const TIMEOUT_MS = 180_000;

/** The file as it was before a mutation, while one is applied. */
let applied;

function restore() {
  if (!applied) return;
  writeFileSync(applied.path, applied.original);
  applied = undefined;
  rmSync(JOURNAL, { force: true });
}

function recoverFromJournal() {
  if (!existsSync(JOURNAL)) return;
  const { path, original } = JSON.parse(readFileSync(JOURNAL, 'utf8'));
  writeFileSync(path, original);
  rmSync(JOURNAL);
  console.log(`restored ${relative(ROOT, path)} left mutated by an interrupted run`);
}

let child;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    child?.kill('SIGTERM');
    restore();
    console.error(`\n${signal}: stopped; every file restored`);
    process.exit(130);
  });
}
process.on('exit', restore);
process.on('uncaughtException', (error) => {
  restore();
  console.error(error);
  process.exit(2);
});

/** Every mutation must still match its file exactly once: otherwise the list no longer describes the code. */
function checkList(mutations) {
  const problems = [];
  const ids = new Set();
  for (const m of mutations) {
    if (ids.has(m.id)) problems.push(`${m.id}: duplicate id`);
    ids.add(m.id);
    const path = join(ROOT, m.file);
    if (!existsSync(path)) {
      problems.push(`${m.id}: ${m.file} does not exist`);
      continue;
    }
    const count = readFileSync(path, 'utf8').split(m.search).length - 1;
    if (count !== 1) problems.push(`${m.id}: the search text occurs ${count} times in ${m.file} (must be exactly once)`);
    if (m.search === m.replace) problems.push(`${m.id}: the replacement changes nothing`);
    if (!m.tests?.length) problems.push(`${m.id}: names no test file`);
    for (const test of m.tests ?? []) if (!existsSync(join(ROOT, test))) problems.push(`${m.id}: test file ${test} does not exist`);
  }
  if (problems.length > 0) {
    console.error(`mutations.mjs is out of date with the code:\n  ${problems.join('\n  ')}`);
    process.exit(2);
  }
}

function runTests(tests, filter) {
  return new Promise((resolve) => {
    const started = Date.now();
    child = spawn(process.execPath, [VITEST, 'run', '--bail=1', '--reporter=dot', ...(filter ? ['-t', filter] : []), ...tests], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '1', FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    child.stderr.on('data', (data) => (output += data));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      child = undefined;
      resolve({ passed: code === 0, timedOut: signal === 'SIGKILL', ms: Date.now() - started, output });
    });
  });
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

// The first failing test vitest names, so a "caught" can be told apart from a file that no longer loads.
function firstFailure(output) {
  // eslint-disable-next-line no-control-regex
  const line = output.replace(/\x1b\[[0-9;]*m/g, '').split('\n').find((l) => /^\s*FAIL\s/.test(l));
  return line ? `\n      ${line.trim().replace(/\s+/g, ' ').slice(0, 160)}` : '';
}

async function main() {
  recoverFromJournal();
  const args = process.argv.slice(2);
  checkList(MUTATIONS);
  if (args.includes('--list')) {
    for (const m of MUTATIONS) console.log(`${m.id}\t${m.file}\t${m.tests.join(' ')}${m.filter ? ` -t "${m.filter}"` : ''}`);
    console.log(`${MUTATIONS.length} mutations; ${EQUIVALENT_MUTATIONS.length} listed as equivalent (not run)`);
    return;
  }
  const only = args.filter((arg) => !arg.startsWith('--'));
  const unknown = only.filter((id) => !MUTATIONS.some((m) => m.id === id));
  if (unknown.length > 0) {
    console.error(`unknown mutation id(s): ${unknown.join(', ')}`);
    process.exit(2);
  }
  const selected = only.length > 0 ? MUTATIONS.filter((m) => only.includes(m.id)) : MUTATIONS;

  // The tests must pass on the code as it is, or a "caught" would mean nothing.
  const baselineTests = [...new Set(selected.flatMap((m) => m.tests))];
  if (!args.includes('--no-baseline')) {
    process.stdout.write(`baseline: ${baselineTests.length} test file(s) on the unmutated code... `);
    const baseline = await runTests(baselineTests);
    console.log(`${baseline.passed ? 'pass' : 'FAIL'} (${seconds(baseline.ms)})`);
    if (!baseline.passed) {
      console.error(baseline.output.slice(-4000));
      console.error('the tests fail without any mutation: fix them first');
      process.exit(1);
    }
  }

  const started = Date.now();
  const survivors = [];
  let caught = 0;
  for (const [index, m] of selected.entries()) {
    const path = join(ROOT, m.file);
    const original = readFileSync(path, 'utf8');
    applied = { path, original };
    writeFileSync(JOURNAL, JSON.stringify({ path, original }));
    let result;
    try {
      writeFileSync(path, original.replace(m.search, () => m.replace));
      result = await runTests(m.tests, m.filter);
    } finally {
      restore();
    }
    const verdict = result.passed ? 'SURVIVED' : result.timedOut ? 'caught (timed out)' : 'caught';
    if (result.passed) survivors.push(m);
    else caught++;
    console.log(`[${index + 1}/${selected.length}] ${verdict.padEnd(18)} ${m.id} (${seconds(result.ms)})${result.passed ? '' : firstFailure(result.output)}`);
  }
  const total = Date.now() - started;
  console.log(`\n${caught}/${selected.length} mutations caught in ${seconds(total)} (${seconds(total / selected.length)} per mutation)`);
  if (EQUIVALENT_MUTATIONS.length > 0) {
    console.log(`not run, equivalent (no behaviour can tell them apart): ${EQUIVALENT_MUTATIONS.map((m) => m.id).join(', ')}`);
  }
  if (survivors.length > 0) {
    console.log('\nSurvivors (a bug no test notices):');
    for (const m of survivors) console.log(`  ${m.id}: ${m.file}: ${m.bug}\n    tests run: ${m.tests.join(' ')}`);
    process.exit(1);
  }
}

await main();
