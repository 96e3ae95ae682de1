import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CreateDraftDto } from './create-draft.dto';

/** Only the fields sent change; null removes title, link, campaign_id or notes. */
export class UpdateDraftDto extends CreateDraftDto {
  @ApiPropertyOptional({
    description: 'The version you last read; if the draft changed since, the update is refused with 409 conflict.',
    example: 1,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  expected_version?: number;
}
