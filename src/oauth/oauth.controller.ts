import { All, Controller, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Provider } from 'oidc-provider';
import { Public } from '../access/public.decorator';
import { OIDC_PROVIDER } from './oauth.tokens';

/**
 * Hands /oauth/* to oidc-provider. Mounted as a Nest route (not raw express middleware) so the
 * request log, correlation id and audit trail cover the authorization server too.
 */
@ApiExcludeController()
@Controller('oauth')
export class OAuthController {
  private readonly callback: (req: Request, res: Response) => Promise<void>;

  constructor(@Inject(OIDC_PROVIDER) provider: Provider) {
    this.callback = provider.callback();
  }

  @All('*path')
  @Public()
  handle(@Req() req: Request, @Res() res: Response): Promise<void> {
    req.url = req.originalUrl.replace(/^\/oauth/, '') || '/';
    return this.callback(req, res);
  }
}
