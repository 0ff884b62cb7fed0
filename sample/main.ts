import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function main() {
  for (const name of ['LOGTO_ENDPOINT', 'LOGTO_AUDIENCE']) {
    if (!process.env[name]) {
      console.error(`Set ${name} (see README, "Using it with your Logto tenant").`);
      process.exit(1);
    }
  }
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
  console.log(`API on ${await app.getUrl()}`);
}

void main();
