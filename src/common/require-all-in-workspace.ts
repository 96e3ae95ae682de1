import { In, type EntityManager, type EntityTarget, type FindOptionsWhere } from 'typeorm';
import { AppError } from './app-error';

/**
 * The rows with these ids in this workspace, in the order asked. Any id not found there (another
 * workspace's, deleted, or unknown) is reported alike: `not_found` naming every missing id under `field`.
 */
export async function requireAllInWorkspace<T extends { id: string; workspaceId: string }>(
  m: EntityManager,
  entity: EntityTarget<T>,
  workspaceId: string,
  ids: readonly string[],
  field: string,
  noun: string,
): Promise<T[]> {
  if (!ids.length) return [];
  const where = { workspaceId, id: In([...ids]) } as FindOptionsWhere<T>;
  const found = await m.find(entity, { where });
  const byId = new Map(found.map((row) => [row.id, row]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length) {
    throw new AppError('not_found', `${noun} not found: ${missing.join(', ')}`, [
      { field, issue: `not found: ${missing.join(', ')}` },
    ]);
  }
  return ids.map((id) => byId.get(id)!);
}
