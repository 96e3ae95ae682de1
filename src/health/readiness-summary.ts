import type { HealthCheckResult } from '@nestjs/terminus';

type Indicators = HealthCheckResult['details'];

/** What each failing check said, for the log: `database: connect ECONNREFUSED 10.0.0.5:5432`. */
export function notReadyReasons(result: HealthCheckResult): string {
  const found = Object.entries(result.error ?? {}).map(
    ([name, value]) => `${name}: ${String(value?.message ?? value?.status)}`,
  );
  return found.join('; ') || result.status;
}

/** Each dependency's status and kind, and nothing else a check said about it. */
export function readinessForAnyone(result: HealthCheckResult): HealthCheckResult {
  const strip = (part: Partial<Indicators> = {}): Indicators => {
    const out: Indicators = {};
    for (const [name, value] of Object.entries(part)) {
      if (!value) continue;
      const kind: unknown = value.kind;
      out[name] = { status: value.status, ...(typeof kind === 'string' ? { kind } : {}) };
    }
    return out;
  };
  return {
    status: result.status,
    info: strip(result.info),
    error: strip(result.error),
    details: strip(result.details),
  };
}
