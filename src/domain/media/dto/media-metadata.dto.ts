import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { NoControlCharacters } from '../../../common/validation/validators.decorator';

/** A form sends one tag as a plain field and several as repeated fields; both become a list. */
const toList = ({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value);

/** The descriptive fields of a media asset, shared by upload and update. `null` clears a field. */
export class MediaMetadataDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 1000,
    example: 'Our new app on a phone, blue background',
    description: 'Text alternative for screen readers; sent with the media where the platform supports it.',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(1000)
  @NoControlCharacters()
  alt_text?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2200, example: 'Launching today!' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(2200)
  @NoControlCharacters()
  caption?: string | null;

  @ApiPropertyOptional({
    type: [String],
    maxItems: 20,
    example: ['launch', 'q3'],
    description: 'Up to 20 tags: letters, digits, _ and -, at most 50 characters each. Replaces the existing tags.',
  })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  @Matches(/^[\p{L}\p{N}_-]+$/u, { each: true, message: 'tags are letters, digits, _ and - only' })
  tags?: string[];

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    example: null,
    description: 'A campaign of this workspace; null removes the asset from its campaign.',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsUUID()
  campaign_id?: string | null;
}

/** Upload fields beside the bytes: the metadata and a file name label. */
export class UploadMediaFieldsDto extends MediaMetadataDto {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 255,
    example: 'launch-banner.png',
    description: 'A label, never a path. Its extension must agree with the file’s content.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @NoControlCharacters(true)
  file_name?: string;
}
