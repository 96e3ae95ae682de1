import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { Actor } from '../access/actor';
import type { ActorRequest } from '../access/request-actor';
import { AppError } from '../common/app-error';

/**
 * Listen streams one credential (an API key, or an agent's OAuth connection) may hold open on one
 * instance. Each holds a socket and a little memory for as long as its client likes; a client needs
 * one, a few while it reconnects, never dozens.
 */
export const MAX_STREAMS_PER_CREDENTIAL = 10;

/** An open listen stream, with the actor and bearer token that opened it. */
export interface HeldStream {
  req: ActorRequest;
  res: Response;
  actor: Actor;
  token: string;
}

/**
 * The listen streams open on this instance, by the credential that opened them: at most
 * MAX_STREAMS_PER_CREDENTIAL each. A slot is given back when its response closes, however it closes.
 */
@Injectable()
export class ListenStreamSlots {
  private readonly byCredential = new Map<string, Set<HeldStream>>();

  /** Takes a slot for the stream until its response closes, or refuses with `rate_limited`. */
  take(stream: HeldStream): void {
    // The client hung up before the guards were done: no stream will open, and no close is to come.
    if (stream.res.destroyed) return;
    const owner = credentialOf(stream.actor);
    const held = this.byCredential.get(owner) ?? new Set<HeldStream>();
    if (held.size >= MAX_STREAMS_PER_CREDENTIAL)
      throw new AppError(
        'rate_limited',
        `this credential already holds ${MAX_STREAMS_PER_CREDENTIAL} open listen streams on this server; ` +
          'close one before opening another',
      );
    held.add(stream);
    this.byCredential.set(owner, held);
    stream.res.once('close', () => {
      held.delete(stream);
      if (!held.size && this.byCredential.get(owner) === held) this.byCredential.delete(owner);
    });
  }

  held(): HeldStream[] {
    return [...this.byCredential.values()].flatMap((streams) => [...streams]);
  }
}

/** Who a slot counts against: the key, or the connection (its access tokens come and go, it stays). */
function credentialOf(actor: Actor): string {
  if (actor.kind === 'api_key') return `key:${actor.keyId}`;
  if (actor.kind === 'agent') return `connection:${actor.grantId}`;
  return `${actor.kind}:${actor.userId ?? ''}`;
}
