import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AppError } from '../common/app-error';
import type { Actor } from './actor';
import { requestOf } from './execution-request';

/** The authenticated caller, for REST handlers and MCP tools alike. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = requestOf(context)?.actor;
  if (!actor) throw new AppError('unauthenticated', 'not authenticated');
  return actor;
});
