import { Global, Module } from '@nestjs/common';
import { LimiterStore } from './limiter-store';

/** One store for every attempt limit (sign-ins, client registrations). */
@Global()
@Module({ providers: [LimiterStore], exports: [LimiterStore] })
export class LimitsModule {}
