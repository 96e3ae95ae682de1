import { MediaMetadataDto } from './media-metadata.dto';

/** Alt text, caption, tags and campaign; fields left out keep their value. The bytes cannot be changed. */
export class UpdateMediaDto extends MediaMetadataDto {}
