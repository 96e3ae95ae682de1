import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { NoControlCharacters } from '../../../common/validation/validators.decorator';
import { CONTENT_LIMITS } from '../content-input';

const HTTPS_URL = { protocols: ['https'], require_protocol: true, require_tld: false };

/** What one platform replaces; fields left out use the shared value. */
export class PlatformVariantDto {
  @ApiPropertyOptional({ maxLength: CONTENT_LIMITS.text, example: 'Spring sale: 20% off until Sunday.' })
  @IsOptional()
  @IsString()
  @MaxLength(CONTENT_LIMITS.text)
  @NoControlCharacters()
  text?: string;

  @ApiPropertyOptional({ maxLength: CONTENT_LIMITS.title, example: 'Spring sale' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(CONTENT_LIMITS.title)
  @NoControlCharacters(true)
  title?: string;

  @ApiPropertyOptional({ maxLength: CONTENT_LIMITS.link, example: 'https://example.com/sale?utm_source=x' })
  @IsOptional()
  @IsUrl(HTTPS_URL, { message: '$property must be an https URL' })
  @MaxLength(CONTENT_LIMITS.link)
  link?: string;
}

/** One platform's variant: optional, validated as a PlatformVariantDto. */
const VariantProperty = (example?: PlatformVariantDto) =>
  applyDecorators(
    ApiPropertyOptional(example ? { type: PlatformVariantDto, example } : { type: PlatformVariantDto }),
    IsOptional(),
    ValidateNested(),
    Type(() => PlatformVariantDto),
  );

/** Variants keyed by platform; any other key is refused (the pipe forbids unknown properties). */
export class VariantsDto {
  @VariantProperty()
  facebook?: PlatformVariantDto;

  @VariantProperty()
  instagram?: PlatformVariantDto;

  @VariantProperty()
  pinterest?: PlatformVariantDto;

  @VariantProperty()
  youtube?: PlatformVariantDto;

  @VariantProperty()
  gmb?: PlatformVariantDto;

  @VariantProperty()
  linkedin?: PlatformVariantDto;

  @VariantProperty({ text: 'Spring sale: 20% off. #sale' })
  x?: PlatformVariantDto;
}

/** The content fields drafts and posts share, as REST bodies carry them. */
export class ContentFieldsDto {
  @ApiPropertyOptional({
    maxLength: CONTENT_LIMITS.text,
    description: 'The copy; line breaks allowed. Platform limits are shorter: check with POST /api/v1/posts/validate.',
    example: 'Our spring sale starts today: 20% off everything in store and online until Sunday.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(CONTENT_LIMITS.text)
  @NoControlCharacters()
  text?: string;

  @ApiPropertyOptional({ maxLength: CONTENT_LIMITS.title, example: 'Spring sale' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(CONTENT_LIMITS.title)
  @NoControlCharacters(true)
  title?: string | null;

  @ApiPropertyOptional({ maxLength: CONTENT_LIMITS.link, example: 'https://example.com/sale' })
  @IsOptional()
  @IsUrl(HTTPS_URL, { message: '$property must be an https URL' })
  @MaxLength(CONTENT_LIMITS.link)
  link?: string | null;

  @ApiPropertyOptional({ type: VariantsDto, description: 'Per-platform replacements for text, title and link.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => VariantsDto)
  variants?: VariantsDto;

  @ApiPropertyOptional({
    type: [String],
    maxItems: CONTENT_LIMITS.media,
    description: 'Media ids from the workspace library, in display order.',
    example: ['0b7c3f7e-5a54-4a8e-9a43-6f0f1bb0c2d1'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CONTENT_LIMITS.media)
  @IsUUID('all', { each: true })
  media_ids?: string[];

  @ApiPropertyOptional({ format: 'uuid', example: '5d2b8a41-1c1e-4d7e-8f1a-2b3c4d5e6f70' })
  @IsOptional()
  @IsUUID('all')
  campaign_id?: string | null;
}
