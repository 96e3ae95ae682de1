import express, { type NextFunction, type Request, type Response } from 'express';
import { AppError } from './app-error';
import { toErrorBody } from './error-body';

export const BODY_LIMIT = '1mb';

/**
 * JSON and form parsing whose failures (too large, malformed) answer in our error shape before any
 * handler runs, so a rejected body can change nothing.
 */
export function bodyParsers() {
  const parsers = [
    express.json({ limit: BODY_LIMIT }),
    express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 100 }),
  ];
  return parsers.map((parse) => (req: Request, res: Response, next: NextFunction) => {
    // The authorization server reads its own bodies (with its own limits and error responses).
    if (req.originalUrl.startsWith('/oauth/')) return next();
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const type = (err as { type?: string }).type;
      const error =
        type === 'entity.too.large'
          ? new AppError('payload_too_large', `request body exceeds ${BODY_LIMIT}`)
          : type === 'entity.parse.failed'
            ? new AppError('malformed_json', 'request body is not valid JSON')
            : new AppError('validation_failed', 'request body could not be read');
      const id = (req as Request & { id?: unknown }).id;
      const { status, body } = toErrorBody(error, typeof id === 'string' ? id : undefined);
      res.status(status).json(body);
    });
  });
}
