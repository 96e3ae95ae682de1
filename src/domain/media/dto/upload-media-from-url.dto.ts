import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { UploadMediaFieldsDto } from './media-metadata.dto';

export class UploadMediaFromUrlDto extends UploadMediaFieldsDto {
  @ApiProperty({
    example: 'https://cdn.example.com/images/launch-banner.png',
    maxLength: 2048,
    description:
      'A public https URL of the file itself. Private, loopback and link-local addresses are refused, also after redirects.',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(2048)
  // Whether the URL may be fetched (https, a public address, a plain dotted quad…) is the safe
  // fetcher's call, so REST and MCP refuse the same URLs with the same fetch_refused reasons.
  url: string;
}
