import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { catchError, concatMap, from, type Observable, throwError } from 'rxjs';
import { removeTempFile } from '../../common/files/private-temp-dir';

/**
 * Removes the temporary file of a multipart upload before the answer is sent, whatever happened:
 * also when validation of the form's fields refused the call before the route ran (the upload
 * itself removes the file in every case it handles). Bound outside the multipart interceptor.
 */
@Injectable()
export class TempUploadCleanupInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<{ file?: { path?: string } }>();
    const cleanup = () => removeTempFile(request.file?.path);
    return next.handle().pipe(
      concatMap((value: unknown) => from(cleanup().then(() => value))),
      catchError((error: unknown) => from(cleanup()).pipe(concatMap(() => throwError(() => error)))),
    );
  }
}
