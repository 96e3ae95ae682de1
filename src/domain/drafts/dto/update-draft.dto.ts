import { ExpectedVersion } from '../../../common/validation/expected-version';
import { CreateDraftDto } from './create-draft.dto';

/** Only the fields sent change; null removes title, link, campaign_id or notes. */
export class UpdateDraftDto extends CreateDraftDto {
  @ExpectedVersion('draft')
  expected_version?: number;
}
