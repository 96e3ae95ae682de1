import type { OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

const ERROR_SCHEMA = 'Error';

/** The one error body every REST failure has (src/common/error-body.ts). */
const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Machine-readable, such as `validation_failed` or `not_found`.' },
        message: { type: 'string', description: 'For a person; safe to show, never a secret or a stack.' },
        details: {
          type: 'array',
          description: 'One entry per bad field, when the request was refused for its input.',
          items: {
            type: 'object',
            required: ['issue'],
            properties: { field: { type: 'string' }, issue: { type: 'string' } },
          },
        },
        requestId: { type: 'string', description: 'The X-Request-Id of the call: its audit record carries it.' },
      },
    },
  },
};

type Applies = (path: string, operation: OperationObject) => boolean;

/** The refusals every route can give, and which routes can give them; nothing is changed by any of them. */
const STANDARD: [status: string, applies: Applies, description: string][] = [
  [
    '400',
    () => true,
    '`validation_failed` (`details` names each bad field or parameter) or `malformed_json`: nothing changed.',
  ],
  ['401', (_p, op) => !!op.security?.length, '`unauthenticated`: no API key, or one unknown, revoked or expired.'],
  [
    '403',
    (_p, op) => !!op.security?.length,
    '`insufficient_scope` or `insufficient_role` (the message names what is missing), or `forbidden`.',
  ],
  [
    '404',
    (path) => path.includes('{'),
    '`not_found`: no such object in this workspace (another workspace’s reads the same).',
  ],
  ['413', (_p, op) => !!op.requestBody, '`payload_too_large`: the body is over the limit.'],
  ['415', (_p, op) => !!op.requestBody, '`unsupported_media_type`: the body is not `application/json` (UTF-8).'],
  ['503', () => true, '`unavailable`: the audit trail or the database cannot record the call, so it was refused.'],
];

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

/**
 * Adds to the document what every API route's decorators leave out: the refusals any call can get,
 * each with the one error body. A route's own description of a status (the approval 403) is kept, and
 * gets the body too.
 */
export function documentErrors(doc: OpenAPIObject): OpenAPIObject {
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, [ERROR_SCHEMA]: errorSchema } };
  const content = { 'application/json': { schema: { $ref: `#/components/schemas/${ERROR_SCHEMA}` } } };
  // The API's routes: the health probes answer in their own shape.
  for (const [path, item] of Object.entries(doc.paths).filter(([p]) => p.startsWith('/api/v1/'))) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const responses = operation.responses as Record<string, ResponseObject>;
      for (const [status, applies, description] of STANDARD)
        if (!responses[status] && applies(path, operation)) responses[status] = { description };
      for (const [status, response] of Object.entries(responses))
        if (Number(status) >= 400 && !response.content) response.content = content;
    }
  }
  return doc;
}
