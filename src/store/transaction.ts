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
    try {
      const result = await work(connection);
      await sql.raw('commit').execute(connection);
      return result;
    } catch (error) {
      // Also after a failed COMMIT (a full disk): the shared SQLite connection must not stay inside a transaction.
      try {
        await sql.raw('rollback').execute(connection);
      } catch {
        // nothing left to roll back, or the connection is gone; the original error is the one to report
      }
      throw error;
    }
  });
}
