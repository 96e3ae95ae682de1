import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength, ValidateBy, type ValidationArguments } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination';

/** Digits only: `Number()` would also take " 5", "1e1" and "0x10". Anything else is left for the check to refuse. */
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

/**
 * A list's `limit` query parameter: digits only, from 1 to `max`, given once. One check with one
 * message (separate integer, minimum and maximum checks answered `limit=x` with all three at once,
 * "not less than 1" beside "not greater than 100").
 */
export const PageLimit = (max: number, defaultSize: number) =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: max, default: defaultSize }),
    IsOptional(),
    Transform(toInt),
    ValidateBy({
      name: 'pageLimit',
      validator: {
        validate: (value: unknown) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max,
        defaultMessage: (args?: ValidationArguments) =>
          Array.isArray(args?.value)
            ? `${args?.property} must be given once`
            : `${args?.property} must be a whole number from 1 to ${max}`,
      },
    }),
  );

/** The page of every REST list: the same words and bounds as the tools' `cursor` and `limit`. */
export class PageQueryDto {
  @ApiPropertyOptional({
    description: 'next_cursor from the previous page; omit for the first page.',
    example: 'WyIyMDI2LTExLTIxVDA5OjAw',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a cursor returned by a previous call' })
  cursor?: string;

  @PageLimit(MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE)
  limit?: number;
}
