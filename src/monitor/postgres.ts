/**
 * PostgreSQL activity around a profile, read-only: snapshots of pg_stat_statements (normalized
 * statement text only: PostgreSQL replaces constants with $1…, so no parameter or row data is
 * read), pg_stat_user_tables and pg_stat_activity, before and after; the result is their delta.
 * The session is read-only (default_transaction_read_only) and the connection string comes only
 * from an environment variable, never from perfgate.yml.
 */
import pg from 'pg';
import type { Resources } from '../model/monitor.js';

type Database = NonNullable<Resources['database']>;

interface Snapshot {
  statements: Map<string, { query: string; calls: number; totalMs: number; rows: number }>;
  tables: Map<string, { seqScans: number; seqRowsRead: number; idxScans: number; liveRows: number }>;
}

export const PG_STAT_STATEMENTS_HELP =
  'pg_stat_statements is not available in this database: add it to shared_preload_libraries in postgresql.conf, restart PostgreSQL, and run CREATE EXTENSION pg_stat_statements; (perfgate only reads it)';

export class PostgresMonitor {
  private constructor(
    private readonly client: pg.Client,
    readonly hasStatements: boolean,
  ) {}

  static async connect(url: string): Promise<PostgresMonitor> {
    const client = new pg.Client({
      connectionString: url,
      application_name: 'perfgate-monitor',
      options: '-c default_transaction_read_only=on',
      statement_timeout: 10_000,
      connectionTimeoutMillis: 10_000,
    });
    await client.connect();
    const ext = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'");
    return new PostgresMonitor(client, (ext.rowCount ?? 0) > 0);
  }

  async snapshot(): Promise<Snapshot> {
    const statements: Snapshot['statements'] = new Map();
    if (this.hasStatements) {
      const r = await this.client.query<{ queryid: string; query: string; calls: string; total: number; rows: string }>(
        "SELECT queryid::text, query, calls::text, total_exec_time AS total, rows::text FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT ILIKE '%pg_stat_%' AND query NOT ILIKE '%pg_extension%'",
      );
      for (const row of r.rows)
        statements.set(row.queryid, {
          query: row.query,
          calls: Number(row.calls),
          totalMs: Number(row.total),
          rows: Number(row.rows),
        });
    }
    const tables: Snapshot['tables'] = new Map();
    const t = await this.client.query<{
      name: string;
      seq_scan: string;
      seq_tup_read: string;
      idx_scan: string | null;
      n_live_tup: string;
    }>(
      "SELECT schemaname || '.' || relname AS name, seq_scan::text, seq_tup_read::text, idx_scan::text, n_live_tup::text FROM pg_stat_user_tables",
    );
    for (const row of t.rows)
      tables.set(row.name, {
        seqScans: Number(row.seq_scan),
        seqRowsRead: Number(row.seq_tup_read),
        idxScans: Number(row.idx_scan ?? 0),
        liveRows: Number(row.n_live_tup),
      });
    return { statements, tables };
  }

  /** What happened between two snapshots, heaviest first, plus connections and lock waits now. */
  async delta(before: Snapshot, after: Snapshot): Promise<Database> {
    const statements = [...after.statements]
      .map(([id, a]) => {
        const b = before.statements.get(id);
        const calls = a.calls - (b?.calls ?? 0);
        const totalMs = a.totalMs - (b?.totalMs ?? 0);
        return {
          query: a.query,
          calls,
          totalMs,
          meanMs: calls > 0 ? totalMs / calls : 0,
          rows: a.rows - (b?.rows ?? 0),
        };
      })
      .filter((s) => s.calls > 0)
      .sort((x, y) => y.totalMs - x.totalMs)
      .slice(0, 10);
    const seqScans = [...after.tables]
      .map(([table, a]) => {
        const b = before.tables.get(table);
        return {
          table,
          seqScans: a.seqScans - (b?.seqScans ?? 0),
          seqRowsRead: a.seqRowsRead - (b?.seqRowsRead ?? 0),
          idxScans: a.idxScans - (b?.idxScans ?? 0),
          liveRows: a.liveRows,
        };
      })
      .filter((t) => t.seqScans > 0)
      .sort((x, y) => y.seqRowsRead - x.seqRowsRead)
      .slice(0, 10);
    const act = await this.client.query<{ used: string; max: string; locks: string; others: string }>(
      "SELECT count(*)::text AS used, current_setting('max_connections') AS max, count(*) FILTER (WHERE wait_event_type = 'Lock')::text AS locks, count(*) FILTER (WHERE pid <> pg_backend_pid())::text AS others FROM pg_stat_activity WHERE backend_type = 'client backend'",
    );
    const row = act.rows[0];
    return {
      statements,
      seqScans,
      connections: { used: Number(row?.used ?? 0), max: Number(row?.max ?? 0), others: Number(row?.others ?? 0) },
      lockWaits: Number(row?.locks ?? 0),
    };
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
