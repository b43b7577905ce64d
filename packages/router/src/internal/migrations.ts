// The router's tables. The statements are written for SQLite and PostgreSQL (`ON CONFLICT`, `RETURNING`).
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"

const serial = (sql: SqlClient.SqlClient) =>
  sql.onDialectOrElse({
    pg: () => sql.literal("BIGSERIAL PRIMARY KEY"),
    orElse: () => sql.literal("INTEGER PRIMARY KEY AUTOINCREMENT")
  })

const text = (sql: SqlClient.SqlClient) => sql.literal("TEXT")

// Two processes starting at once (two runners on one Postgres) may race to create a migrations table; the
// loser sees the winner's table on the next try.
const run = (table: string, migrations: Record<string, Effect.Effect<void, SqlError, SqlClient.SqlClient>>) =>
  Migrator.make({})({ loader: Migrator.fromRecord(migrations), table }).pipe(
    Effect.retry({ times: 5, schedule: Schedule.exponential("100 millis") }),
    Effect.asVoid
  )

/** @internal */
export const runLog = (prefix: string): Effect.Effect<void, SqlError | Migrator.MigrationError, SqlClient.SqlClient> =>
  run(`${prefix}_log_migrations`, {
    "1_message_log": Effect.gen(function*() {
      const sql = (yield* SqlClient.SqlClient).withoutTransforms()
      const key = text(sql)
      yield* sql`
        CREATE TABLE IF NOT EXISTS ${sql(`${prefix}_events`)} (
          seq ${serial(sql)},
          message_id ${key} NOT NULL,
          event_key ${key} NOT NULL,
          tag ${key} NOT NULL,
          at BIGINT NOT NULL,
          route TEXT,
          status ${key},
          channel ${key},
          data TEXT NOT NULL,
          UNIQUE (message_id, event_key)
        )`
      yield* sql`CREATE INDEX ${sql(`${prefix}_events_tag_seq`)} ON ${sql(`${prefix}_events`)} (tag, seq)`
      yield* sql`
        CREATE INDEX ${sql(`${prefix}_events_message_tag`)} ON ${sql(`${prefix}_events`)} (message_id, tag)`
    })
  })

/** @internal */
export const runIndex = (prefix: string): Effect.Effect<void, SqlError | Migrator.MigrationError, SqlClient.SqlClient> =>
  run(`${prefix}_index_migrations`, {
    "1_receipt_index": Effect.gen(function*() {
      const sql = (yield* SqlClient.SqlClient).withoutTransforms()
      const key = text(sql)
      yield* sql`
        CREATE TABLE IF NOT EXISTS ${sql(`${prefix}_steps`)} (
          message_id ${key} NOT NULL,
          step INTEGER NOT NULL,
          execution_id ${key} NOT NULL,
          channel ${key} NOT NULL,
          success_on ${key} NOT NULL,
          provider_message_ids TEXT NOT NULL,
          abandoned INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (message_id, step)
        )`
      yield* sql`
        CREATE TABLE IF NOT EXISTS ${sql(`${prefix}_provider_ids`)} (
          provider_message_id ${key} PRIMARY KEY,
          message_id ${key} NOT NULL,
          step INTEGER NOT NULL
        )`
      yield* sql`
        CREATE TABLE IF NOT EXISTS ${sql(`${prefix}_statuses`)} (
          seq ${serial(sql)},
          provider_message_id ${key} NOT NULL,
          update_key ${key} NOT NULL UNIQUE,
          data TEXT NOT NULL
        )`
      yield* sql`
        CREATE INDEX ${sql(`${prefix}_statuses_provider`)} ON ${sql(`${prefix}_statuses`)} (provider_message_id)`
    })
  })

/** @internal */
export const runEngine = (prefix: string): Effect.Effect<void, SqlError | Migrator.MigrationError, SqlClient.SqlClient> =>
  run(`${prefix}_engine_migrations`, {
    "1_workflow_engine": Effect.gen(function*() {
      const sql = (yield* SqlClient.SqlClient).withoutTransforms()
      const key = text(sql)
      yield* sql`
        CREATE TABLE IF NOT EXISTS ${sql(`${prefix}_executions`)} (
          execution_id ${key} PRIMARY KEY,
          workflow ${key} NOT NULL,
          payload TEXT NOT NULL,
          parent_workflow ${key},
          parent_execution_id ${key},
          done INTEGER NOT NULL DEFAULT 0,
          result TEXT
        )`
      yield* sql`
        CREATE INDEX ${sql(`${prefix}_executions_running`)} ON ${sql(`${prefix}_executions`)} (done, workflow)`
      yield* sql`
        CREATE TABLE IF NOT EXISTS ${sql(`${prefix}_activities`)} (
          execution_id ${key} NOT NULL,
          name ${key} NOT NULL,
          attempt INTEGER NOT NULL,
          exit TEXT NOT NULL,
          PRIMARY KEY (execution_id, name, attempt)
        )`
      yield* sql`
        CREATE TABLE IF NOT EXISTS ${sql(`${prefix}_deferreds`)} (
          execution_id ${key} NOT NULL,
          name ${key} NOT NULL,
          exit TEXT NOT NULL,
          PRIMARY KEY (execution_id, name)
        )`
      yield* sql`
        CREATE TABLE IF NOT EXISTS ${sql(`${prefix}_clocks`)} (
          execution_id ${key} NOT NULL,
          name ${key} NOT NULL,
          workflow ${key} NOT NULL,
          wake_at BIGINT NOT NULL,
          PRIMARY KEY (execution_id, name)
        )`
      yield* sql`CREATE INDEX ${sql(`${prefix}_clocks_wake_at`)} ON ${sql(`${prefix}_clocks`)} (wake_at)`
    })
  })
