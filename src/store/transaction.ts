// One write transaction on one connection. SQLite takes the write lock at BEGIN (IMMEDIATE), so a transaction
// that reads before it writes can never fail half-way with a stale snapshot; PostgreSQL uses a plain BEGIN.
import { type Kysely, sql } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

export async function inWriteTransaction<DB, T>(
  db: Kysely<DB>,
  dialect: DialectName,
  work: (connection: Kysely<DB>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (connection) => {
    await sql.raw(dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(connection);
    let result: T;
    try {
      result = await work(connection);
    } catch (error) {
      try {
        await sql.raw('rollback').execute(connection);
      } catch {
        // the original error matters more; a failed rollback leaves the transaction aborted anyway
      }
      throw error;
    }
    await sql.raw('commit').execute(connection);
    return result;
  });
}
