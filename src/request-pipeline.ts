import type { INestApplication } from '@nestjs/common';
import type { RequestHandler } from 'express';
import type { ActorRequest } from './access/request-actor';
import { EarlyRefusalAttribution } from './access/early-refusal-attribution';
import { AuditMiddleware } from './audit/audit.middleware';
import { bodyParsers, mcpBodyLimitBytes } from './common/body-parsers';
import { noStore } from './common/no-store';
import { unrecordedPage, wantsConsolePage } from './console/console-refusal';
import { originForm } from './common/origin-form';
import type { AppConfig } from './config/config.types';
import { requestIdMiddleware } from './logging/logging.module';
import { ListenStreams } from './mcp/listen-streams';
import { allowOnlyPost } from './mcp/mcp-methods';
import { refuseUnsupportedMessages } from './mcp/refuse-unsupported-messages';
import { requireJsonBody } from './mcp/require-json-body';
import { refuseDisagreeingHeaders } from './mcp/routing-headers';

/**
 * What every request passes through before any route: its target in origin form, its correlation
 * id, `Cache-Control: no-store` on API and MCP answers, then the audit draft, which opens before
 * bodies are parsed so that a malformed or oversized
 * body, an MCP body the JSON parser did not read, a JSON-RPC batch or a request without an id, is refused and recorded like
 * any other invalid call. Mounted with app.use and no path: mounted on a pattern (Nest's
 * forRoutes), it missed `/`, `OPTIONS *` and any path whose percent-encoding does not decode, which
 * then got an answer and no audit record.
 */
export function requestPipeline(app: INestApplication, config: AppConfig): RequestHandler[] {
  const audit = app.get(AuditMiddleware);
  const attribution = app.get(EarlyRefusalAttribution);
  audit.attributeEarlyRefusalsWith((draft, req) => attribution.attribute(draft, req));
  audit.answerBrowsersWith((req, requestId) => (wantsConsolePage(req) ? unrecordedPage(req, requestId) : undefined));
  const streams = app.get(ListenStreams);
  return [
    originForm,
    requestIdMiddleware as RequestHandler,
    // Before the audit draft, whose hold on the response then goes out through it, refusal included.
    noStore,
    (req, res, next) => audit.use(req as ActorRequest, res, next),
    // /mcp admits an inline media upload (base64) up to the configured cap; every other route keeps 1 MB.
    ...bodyParsers({ mcpLimitBytes: mcpBodyLimitBytes(config.media.maxInlineBytes) }),
    requireJsonBody,
    refuseUnsupportedMessages,
    refuseDisagreeingHeaders,
    allowOnlyPost,
    (req, res, next) => streams.track(req, res, next),
  ];
}
