import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { LogtoAuthModule } from '../lib';
import { DocumentsController } from './documents.controller';

@Module({
  imports: [
    ConfigModule.forRoot(),
    LogtoAuthModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        endpoint: config.getOrThrow<string>('LOGTO_ENDPOINT'),
        audience: config.getOrThrow<string>('LOGTO_AUDIENCE'),
      }),
    }),
  ],
  controllers: [DocumentsController],
})
export class AppModule {}
