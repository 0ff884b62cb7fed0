import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { LogtoAuthModule } from '../lib';
import { DocumentsController } from './documents/documents.controller';
import { DocumentsService } from './documents/documents.service';
import { HealthController } from './health.controller';
import { MeController } from './me.controller';
import { logtoOptionsFromConfig, SampleSettings } from './sample-config';

@Module({})
export class AppModule {
  /**
   * The sample API. Configuration comes from the environment (and a .env file); `settings`, when
   * given, replaces both (the tests use it).
   */
  static forRoot(settings?: SampleSettings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(settings ? { ignoreEnvFile: true, skipProcessEnv: true, load: [() => ({ ...settings })] } : {}),
        LogtoAuthModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: logtoOptionsFromConfig,
        }),
      ],
      controllers: [HealthController, MeController, DocumentsController],
      providers: [DocumentsService],
    };
  }
}
