import { SetMetadata } from '@nestjs/common';

export const PUBLIC_KEY = 'postern:public';

/** Reachable without credentials: health checks, docs, first-run setup. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
