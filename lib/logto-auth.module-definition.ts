import { ConfigurableModuleBuilder } from '@nestjs/common';
import { LogtoAuthModuleOptions } from './interfaces/logto-auth-module-options.interface';

export const {
  ConfigurableModuleClass: ConfigurableLogtoAuthModule,
  MODULE_OPTIONS_TOKEN: LOGTO_AUTH_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<LogtoAuthModuleOptions>({ moduleName: 'LogtoAuth' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createLogtoAuthOptions')
  .build();
