import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** The optional `expected_version` of a REST body: optimistic concurrency on a versioned object. */
export const ExpectedVersion = (what: string) =>
  applyDecorators(
    ApiPropertyOptional({
      description: `The version you last read; if the ${what} changed since, the call is refused with 409 conflict.`,
      example: 1,
    }),
    IsOptional(),
    IsInt(),
    Min(1),
    Max(2_147_483_647),
  );
