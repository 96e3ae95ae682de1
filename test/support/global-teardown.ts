export default async function globalTeardown(): Promise<void> {
  const pg = globalThis.__POSTERN_PG__;
  if (!pg) return;
  await pg.server.stop();
  await pg.db.close();
}
