import type { Response } from 'express';
import type { AppConfig } from '../config/config.types';
import type { UsersService } from '../domain/users/users.service';
import type { ConsoleSessions } from './console-session.service';
import { ConsoleSignIn } from './console-sign-in.service';
import { LoginLimiter } from './login-limiter';

describe(ConsoleSignIn.name, () => {
  it('refuses sign-in with 503, not 429, while the limiter cannot answer', async () => {
    // A Redis nobody listens on: the limiter's store fails at once (no offline queue).
    const limiter = new LoginLimiter({ redisUrl: 'redis://127.0.0.1:1' } as AppConfig);
    const checked: string[] = [];
    const users = { verifyPassword: (email: string) => Promise.resolve(void checked.push(email)) };
    const signIn = new ConsoleSignIn(users as unknown as UsersService, limiter, {} as ConsoleSessions);
    try {
      const result = await signIn.signIn('someone@example.com', 'a password', '192.0.2.1', {} as Response);
      expect(result).toEqual({ status: 503, message: expect.stringContaining('unavailable') });
      expect(checked).toEqual([]);
    } finally {
      limiter.onApplicationShutdown();
    }
  });
});
