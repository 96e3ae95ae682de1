import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** publish_post and cancel_post: optionally, the version the caller last read. */
export class ExpectedVersionDto {
  @ApiPropertyOptional({
    description: 'The version you last read; if the post changed since, the call is refused with 409 conflict.',
    example: 1,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  expected_version?: number;
}

export class SchedulePostDto extends ExpectedVersionDto {
  @ApiProperty({
    description: 'When to publish: ISO 8601 with an explicit offset, in the future, at most 365 days ahead.',
    example: '2026-12-01T09:00:00+01:00',
  })
  @IsString()
  @MaxLength(40)
  publish_at: string;
}
