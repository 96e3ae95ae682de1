import { Controller, Get, Header, Inject, Options, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../access/public.decorator';
import { ALL_SCOPES } from '../access/scopes';
import { ANY_ORIGIN, answerPreflight } from '../common/open-cors';
import { APP_CONFIG, type AppConfig } from '../config/config.types';
import { CLIENT_AUTH_METHODS } from './client-auth-methods';
import { OAUTH_ROUTES } from './oauth-routes';
import { oauthUrls } from './oauth-urls';

const AUTHORIZATION_SERVER = ['oauth-authorization-server', 'openid-configuration'];
const PROTECTED_RESOURCE = ['oauth-protected-resource', 'oauth-protected-resource/mcp'];

/**
 * Discovery documents, readable from any web page (a browser-based MCP client discovers from its
 * own origin, and may send MCP-Protocol-Version, which needs a preflight). The issuer is exactly
 * PUBLIC_URL, so RFC 8414's path-inserted URL is the root one; the protected resource (RFC 9728) is
 * /mcp, served at both the root and the path-inserted well-known URL.
 */
@ApiExcludeController()
@Controller('.well-known')
export class WellKnownController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get(AUTHORIZATION_SERVER)
  @Public()
  @Header(...ANY_ORIGIN)
  authorizationServer() {
    const { issuer } = oauthUrls(this.config);
    const oauth = `${issuer}/oauth`;
    return {
      issuer,
      authorization_endpoint: `${oauth}${OAUTH_ROUTES.authorization}`,
      token_endpoint: `${oauth}${OAUTH_ROUTES.token}`,
      registration_endpoint: `${oauth}${OAUTH_ROUTES.registration}`,
      revocation_endpoint: `${oauth}${OAUTH_ROUTES.revocation}`,
      jwks_uri: `${oauth}${OAUTH_ROUTES.jwks}`,
      scopes_supported: ALL_SCOPES,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
      revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
      authorization_response_iss_parameter_supported: true,
      client_id_metadata_document_supported: true,
      service_documentation: `${issuer}/api/docs`,
    };
  }

  @Get(PROTECTED_RESOURCE)
  @Public()
  @Header(...ANY_ORIGIN)
  protectedResource() {
    const urls = oauthUrls(this.config);
    return {
      resource: urls.mcpResource,
      authorization_servers: [urls.issuer],
      scopes_supported: ALL_SCOPES,
      bearer_methods_supported: ['header'],
      resource_name: 'Postern MCP',
      resource_documentation: `${urls.issuer}/api/docs`,
    };
  }

  @Options([...AUTHORIZATION_SERVER, ...PROTECTED_RESOURCE])
  @Public()
  preflight(@Req() req: Request, @Res() res: Response): void {
    answerPreflight(req, res, 'GET');
  }
}
