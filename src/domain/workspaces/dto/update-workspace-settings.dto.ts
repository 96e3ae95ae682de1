import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { APPROVAL_ACTIONS, type ApprovalAction } from '../workspace-settings';

export class ApprovalPolicyDto {
  @ApiPropertyOptional({
    enum: APPROVAL_ACTIONS,
    isArray: true,
    example: ['publish', 'delete'],
    description: 'Replaces the list of actions an agent or API key may only request.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(APPROVAL_ACTIONS.length)
  @IsIn(APPROVAL_ACTIONS, { each: true })
  require_approval_for?: ApprovalAction[];

  @ApiPropertyOptional({ example: false, description: 'Let the user an agent acted for approve its request.' })
  @IsOptional()
  @IsBoolean()
  allow_self_approval?: boolean;
}

/** Fields left out stay as they are. */
export class UpdateWorkspaceSettingsDto {
  @ApiPropertyOptional({ example: 'Europe/Berlin', description: 'IANA time zone, e.g. Europe/Berlin; UTC is UTC.' })
  @ValidateIf((o: UpdateWorkspaceSettingsDto) => o.time_zone !== undefined)
  @IsString()
  @MaxLength(64)
  time_zone?: string;

  @ApiPropertyOptional({
    example: true,
    description: 'When true, agent connections may draft but not publish or schedule.',
  })
  @ValidateIf((o: UpdateWorkspaceSettingsDto) => o.draft_first !== undefined)
  @IsBoolean()
  draft_first?: boolean;

  @ApiPropertyOptional({ type: ApprovalPolicyDto, description: 'Fields given replace those of the current policy.' })
  @ValidateIf((o: UpdateWorkspaceSettingsDto) => o.approval_policy !== undefined)
  @ValidateNested()
  @Type(() => ApprovalPolicyDto)
  approval_policy?: ApprovalPolicyDto;
}
