import { Controller, Get } from '@nestjs/common';

@Controller('healthz')
export class FakeController {
  @Get()
  check() {}
}
