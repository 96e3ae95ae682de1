import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from './require-scopes.decorator';
import { scopeCatalogue } from './scope-catalogue';

@ApiTags('access')
@ApiBearerAuth()
@Controller('api/v1/scopes')
export class ScopesController {
  @Get()
  @RequireScopes()
  @ApiOperation({
    summary: 'The permission catalogue',
    description:
      'All 31 scopes by category with the weakest role that may hold each, the four bundles, and each role’s ceiling.',
  })
  @ApiOkResponse({ description: '{ categories, bundles, role_ceilings }' })
  catalogue() {
    return scopeCatalogue();
  }
}
