/**
 * Named queries of the CSV imports that no single entity serves.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../db/sql.js';

/**
 * Every hospital's code → id, loaded once per import: hospitals are few, rows name them by code,
 * and the map goes to the import's worker thread, which has no database.
 */
export async function hospitalIdsByCode(em: EntityManager): Promise<Map<string, string>> {
  const rows = await query<{ code: string; id: string }>(em, 'select code, id from hospital');
  return new Map(rows.map((h) => [h.code, h.id]));
}
