import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { POST_STATUSES, type PostStatus } from '../post-status';
import { ContentListQueryDto } from './content-list.dto';

export class ListPostsQueryDto extends ContentListQueryDto {
  @ApiPropertyOptional({ enum: POST_STATUSES, example: 'ready' })
  @IsOptional()
  @IsIn(POST_STATUSES)
  status?: PostStatus;

  @ApiPropertyOptional({ description: 'true lists the trash instead of live posts.', example: false })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  trashed?: boolean;
}
