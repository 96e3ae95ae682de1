import type { Request } from 'express';
import type { Actor, Principal } from './actor';

/** The HTTP request as our guards leave it: first the credential's principal, then the actor. */
export type ActorRequest = Request & {
  principal?: Principal;
  actor?: Actor;
  consoleSession?: { userId: string; csrf: string; signedInAt: Date };
  id?: string | number;
};
