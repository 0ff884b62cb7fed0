import { Controller, Get } from '@nestjs/common';
import { Public } from '../lib';

@Controller('health')
export class HealthController {
  /** Open to everyone: load balancers and uptime checks carry no token. */
  @Get()
  @Public()
  check() {
    return { status: 'ok' };
  }
}
