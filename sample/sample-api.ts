import 'reflect-metadata';
import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { SampleSettings } from './sample-config';

export type SampleAdapter = 'express' | 'fastify';

export interface SampleApiOptions {
  readonly adapter?: SampleAdapter;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Replaces the environment as the configuration source. */
  readonly settings?: SampleSettings;
  /** Nest log levels; false for none. */
  readonly logger?: LogLevel[] | false;
}

export interface SampleApi {
  readonly app: INestApplication;
  /** e.g. http://127.0.0.1:3000 */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the sample API on an HTTP platform and listens; resolves once it accepts requests. */
export async function startSampleApi(options: SampleApiOptions = {}): Promise<SampleApi> {
  const adapter = options.adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(AppModule.forRoot(options.settings), adapter, {
    logger: options.logger ?? ['error', 'warn'],
    abortOnError: false,
  });
  try {
    await app.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (error) {
    await app.close();
    throw error;
  }
  const url = await app.getUrl();
  return { app, url, close: () => app.close() };
}
