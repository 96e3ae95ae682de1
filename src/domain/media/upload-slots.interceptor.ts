import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { finalize, type Observable } from 'rxjs';
import { AppError } from '../../common/app-error';
import { APP_CONFIG, type AppConfig } from '../../config/config.types';

/** Seconds a refused uploader is told to wait: an upload of a few MB finishes well within it. */
const RETRY_AFTER_SECONDS = 5;

/**
 * An upload occupies a temporary file (up to the video cap) under DATA_DIR/tmp and a stream's
 * worth of memory while it is checked and stored. This bounds how many one instance handles at
 * once, and so the temporary disk space; the rest are refused with 429 before a byte of their body
 * is read (the interceptor runs before the multipart parser).
 */
@Injectable()
export class UploadSlots {
  inUse = 0;
  constructor(@Inject(APP_CONFIG) readonly config: AppConfig) {}
}

/** Takes one of the instance's upload slots for the duration of the call, or refuses it. */
@Injectable()
export class UploadSlotsInterceptor implements NestInterceptor {
  constructor(private readonly slots: UploadSlots) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const slots = this.slots;
    if (slots.inUse >= slots.config.media.maxConcurrentUploads) {
      throw new AppError(
        'rate_limited',
        `too many uploads in progress on this server; retry in ${RETRY_AFTER_SECONDS} seconds`,
        undefined,
        RETRY_AFTER_SECONDS,
      );
    }
    slots.inUse += 1;
    return next.handle().pipe(finalize(() => (slots.inUse -= 1)));
  }
}
