import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../../common/page-query.dto';
import { KEY_STATUSES, type KeyStatus } from '../key-status';

export class ListApiKeysQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: KEY_STATUSES,
    description: 'Only keys with this status now; omit for every key, revoked and expired ones included.',
  })
  @IsOptional()
  @IsIn(KEY_STATUSES)
  status?: KeyStatus;
}
