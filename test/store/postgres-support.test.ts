// The throwaway PostgreSQL helper itself: a missing server gets a plain message, and the shared server works.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { freshTestPostgresDatabase, getTestPostgresUrl, startTestPostgres } from '../support/postgres.js';

describe('test PostgreSQL helper', () => {
  it('says plainly when the server binaries are missing', async () => {
    await assert.rejects(startTestPostgres('/nonexistent/postgresql/bin'), {
      message: 'PostgreSQL server binaries not found: apt-get install postgresql',
    });
  });

  it('starts one server per process and hands out separate databases on it', async () => {
    const [a, b] = await Promise.all([getTestPostgresUrl(), getTestPostgresUrl()]);
    assert.equal(a, b);
    const one = await freshTestPostgresDatabase();
    const two = await freshTestPostgresDatabase();
    assert.notEqual(one, two);
    assert.equal(new URL(one).host, new URL(a).host);
    const client = new pg.Client({ connectionString: one });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string }>("select current_setting('server_version') as version");
      assert.match(rows[0]!.version, /^\d+/);
    } finally {
      await client.end();
    }
  });
});
