import { applyDecorators } from '@nestjs/common';
import { ArrayMaxSize, IsArray, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { NoControlCharacters } from '../../../common/validation/validators.decorator';
import { CAMPAIGN_LIMITS } from '../campaigns.service';

/** The same bounds the tool parameters apply (lineParam, textParam, tagsParam), for REST bodies. */
export const CampaignName = () =>
  applyDecorators(
    IsString(),
    MinLength(1),
    MaxLength(CAMPAIGN_LIMITS.name),
    Matches(/\S/, { message: 'name must not be blank' }),
    NoControlCharacters(true),
  );

export const CampaignGoal = () => applyDecorators(IsString(), MaxLength(CAMPAIGN_LIMITS.goal), NoControlCharacters());

export const CampaignTags = () =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(20),
    IsString({ each: true }),
    MinLength(1, { each: true }),
    MaxLength(50, { each: true }),
    Matches(/^[\p{L}\p{N}_-]+$/u, { each: true, message: 'tags are letters, digits, _ and - only' }),
  );
