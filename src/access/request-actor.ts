import type { Request } from 'express';
import type { Actor } from './actor';

/** The HTTP request as our guards leave it: the authenticated actor rides on it. */
export type ActorRequest = Request & { actor?: Actor; id?: string | number };
