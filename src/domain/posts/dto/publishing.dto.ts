import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { ExpectedVersion } from '../../../common/validation/expected-version';

/** publish_post and cancel_post: optionally, the version the caller last read. */
export class ExpectedVersionDto {
  @ExpectedVersion('post')
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
