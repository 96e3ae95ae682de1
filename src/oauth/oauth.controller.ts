import { All, Controller, Inject, Logger, Req, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Provider } from 'oidc-provider';
import type { DataSource } from 'typeorm';
import { Public } from '../access/public.decorator';
import { AuditContext } from '../audit/audit-context';
import { AuditWriter } from '../audit/audit-writer.service';
import { recordUnanswered } from '../audit/record-unanswered';
import { forgetUntrustedForwarding } from './untrusted-forwarding';
import { AppError } from '../common/app-error';
import { Gate, OAuthUnit, OAuthUnitOfWork } from './oauth-unit-of-work';
import { oauthOperation, oauthRouteOf } from './oauth-routes';
import { RegistrationLimiter } from './registration-limiter';
import { refuseRegistration } from './refuse-registration';
import { clientAddress } from '../common/client-address';
import { allowAnyOrigin, answerPreflight } from '../common/open-cors';
import { OIDC_PROVIDER } from './oauth.tokens';

/** Requests that may hold an OAuth transaction at once: under half of the pool of 8 (see Gate). */
const CONCURRENT_OAUTH_TRANSACTIONS = 3;

/**
 * Hands /oauth/* to oidc-provider. Mounted as a Nest route (not raw express middleware) so the
 * request log, correlation id and audit trail cover the authorization server too. What the server
 * stores while answering commits with the request's audit record (OAuthUnitOfWork).
 */
@ApiExcludeController()
@Controller('oauth')
export class OAuthController {
  private readonly callback: (req: Request, res: Response) => Promise<void>;
  private readonly gate = new Gate(CONCURRENT_OAUTH_TRANSACTIONS);
  private readonly logger = new Logger('Audit');

  constructor(
    @Inject(OIDC_PROVIDER) provider: Provider,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: AuditWriter,
    private readonly registrations: RegistrationLimiter,
  ) {
    this.callback = provider.callback();
  }

  @All('*path')
  @Public()
  async handle(@Req() req: Request, @Res() res: Response): Promise<void> {
    const draft = AuditContext.current();
    // Fail closed: what the server stores here must commit with a record, and there is none to write.
    if (!draft) throw new AppError('unavailable', 'the authorization server needs an audit context');
    const unit = new OAuthUnitOfWork(this.dataSource, this.gate);
    let recorded = false;
    /** Rolls back what the request wrote and records it as unanswered. */
    const unanswered = async (code: string) => {
      await unit.abandon();
      await recordUnanswered(this.writer, draft, req, code);
    };
    draft.commit = (record) => {
      if (recorded) return Promise.resolve();
      recorded = true;
      // Left before its answer (its socket may be gone before 'close' is emitted): nothing it wrote
      // is kept, say a rotated refresh token the client never received, and its record says so.
      return unit.abandoned || res.destroyed ? unanswered('client_closed') : unit.commit(this.writer, record);
    };
    res.once('close', () => void unit.abandon());
    req.url = req.originalUrl.replace(/^\/oauth/, '') || '/';
    forgetUntrustedForwarding(req);
    draft.operation = oauthOperation(req.method, req.url);
    const served = oauthRouteOf(req.url);
    // Registration is open to browser-based clients too; oidc-provider leaves it without CORS. Only
    // here: oidc-provider skips its own CORS handling (the token endpoint's check of the page's
    // origin against the client's redirect URIs) when Access-Control headers are already set.
    const registering = served?.route === 'registration' && !served.withId;
    if (registering && req.method === 'OPTIONS') return answerPreflight(req, res, 'POST');
    if (registering) allowAnyOrigin(res);
    if (registering && req.method === 'POST') {
      const admission = await this.registrations.admit(clientAddress(req));
      if (!admission.admitted) return refuseRegistration(res, admission);
    }
    // oidc-provider (Koa) does not end a response whose socket has closed, so the audit middleware
    // never sees an answer: once the provider is done with the request, the record is written here.
    return OAuthUnit.run(unit, () => this.callback(req, res)).finally(() => {
      // Answered: the audit middleware is making its record (it may be waiting on a lookup).
      if (recorded || draft.answered) return;
      recorded = true;
      // A change that filed its own record in its transaction has one already.
      if (draft.written) return unit.abandon();
      return unanswered(res.destroyed ? 'client_closed' : 'internal_error').catch((err: unknown) =>
        this.logger.error(`audit record of an unanswered OAuth request not written: ${(err as Error).message}`),
      );
    });
  }
}
