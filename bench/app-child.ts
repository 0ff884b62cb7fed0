import 'reflect-metadata';
import { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { BenchAppConfig, BenchAppName } from './apps/bench-app-config';
import { emptyGuardApp } from './apps/empty-guard.app';
import { joseGuardApp } from './apps/jose-guard.app';
import { logtoModuleApp } from './apps/logto-module.app';
import { passportRecipeApp } from './apps/passport-recipe.app';
import { signatureOnlyApp } from './apps/signature-only.app';
import { unguardedApp } from './apps/unguarded.app';
import { AppReply, AppRequest, EventLoopDelay } from './ipc';
import { LogtoAuthCounters, LogtoTokenCache } from '../lib';

const APPS: Record<BenchAppName, (config: BenchAppConfig) => DynamicModule> = {
  unguarded: unguardedApp,
  'empty-guard': () => emptyGuardApp(),
  'empty-guard-user': () => emptyGuardApp(true),
  'logto-module': logtoModuleApp,
  'passport-recipe': passportRecipeApp,
  'jose-guard': joseGuardApp,
  'signature-sync': (config) => signatureOnlyApp(config, 'sync'),
  'signature-async': (config) => signatureOnlyApp(config, 'async'),
  'signature-batched': (config) => signatureOnlyApp(config, 'batched'),
};

/** One app under test, alone in this process (so it has a core), on 127.0.0.1, port 0; driven over IPC. */
async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_APP_CONFIG ?? '') as BenchAppConfig;
  const app = await NestFactory.create(APPS[config.app](config), { logger: ['error'], abortOnError: false });
  await app.listen(0, '127.0.0.1');
  const counters = countFullVerifications(app, config.app);
  // 1 ms, the finest Node accepts (the default 10 ms could not see a 1 ms signature check).
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  // Under callgrind (instructions.ts) its 1 ms timer would tick some 50 times as often per request: left off.
  if (!process.env.BENCH_UNDER_CALLGRIND) loopDelay.enable();
  const profiler = new Session();
  const reply = (message: AppReply) => process.send?.(message);
  process.on('message', (request: AppRequest) => {
    if (request.type === 'heap') {
      (globalThis as { gc?: () => void }).gc?.();
      reply({ type: 'heap', heapUsed: process.memoryUsage().heapUsed });
    } else if (request.type === 'counters') {
      const cpu = process.cpuUsage();
      const ms = (nanoseconds: number) => nanoseconds / 1e6;
      const eventLoopDelay: EventLoopDelay = { p50Ms: ms(loopDelay.percentile(50)), p99Ms: ms(loopDelay.percentile(99)), maxMs: ms(loopDelay.max), samples: loopDelay.count };
      loopDelay.reset();
      reply({ type: 'counters', fullVerifications: counters.full, cachedTokens: counters.cached(), cpuMicroseconds: cpu.user + cpu.system, eventLoopDelay });
    } else if (request.type === 'profile-start') {
      profiler.connect();
      profiler.post('Profiler.enable', () =>
        profiler.post('Profiler.setSamplingInterval', { interval: request.intervalMicroseconds }, () =>
          profiler.post('Profiler.start', () => reply({ type: 'profile-started' })),
        ),
      );
    } else if (request.type === 'profile-stop') {
      profiler.post('Profiler.stop', (error, result) => {
        if (error) throw error;
        writeFileSync(request.file, JSON.stringify(result.profile));
        profiler.disconnect();
        reply({ type: 'profile-stopped', file: request.file });
      });
    } else if (request.type === 'close') {
      void app.close().then(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  reply({ type: 'ready', port: (app.getHttpServer().address() as AddressInfo).port });
}

// The module's own count of cache misses, so the table can prove which rows were hits and which were misses.
function countFullVerifications(app: Awaited<ReturnType<typeof NestFactory.create>>, name: BenchAppName) {
  if (name !== 'logto-module') return { full: 0, cached: () => 0 };
  const counters = app.get(LogtoAuthCounters);
  const cache = app.get(LogtoTokenCache);
  return {
    get full() {
      return counters.verifications;
    },
    cached: () => cache.size,
  };
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
