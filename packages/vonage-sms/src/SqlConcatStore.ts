/**
 * A `ConcatStore` in any `@effect/sql` database (SQLite / libsql, Postgres, …), so several processes behind
 * one webhook URL reassemble multi-part inbound SMS together and a restart loses no part.
 *
 * `layer` runs this package's migration first (its own migrations table, `switchboard_vonage_sms_migrations`,
 * so it never collides with an application's migrations), creating:
 * - `switchboard_vonage_sms_concat_parts (concat_key, part, total, payload, received_at)`, primary key
 *   `(concat_key, part)`: a duplicate part is a no-op insert;
 * - `switchboard_vonage_sms_concat_done (concat_key, done_until)`: sets already emitted, whose late copies
 *   are ignored until `done_until`.
 *
 * `@effect/sql` is an optional peer dependency, so this module is imported by path
 * (`@switchboard/vonage-sms/SqlConcatStore`) rather than from the package index.
 *
 * A set is emitted by whoever deletes its rows (`DELETE … RETURNING`), so two processes receiving the last two
 * parts at once never both emit it. Times are `Clock` milliseconds.
 *
 * @example
 * ```ts
 * import { LibsqlClient } from "@effect/sql-libsql"
 * import * as SqlConcatStore from "@switchboard/vonage-sms/SqlConcatStore"
 * import { Layer } from "effect"
 *
 * const ConcatStoreLive = SqlConcatStore.layer({ ttl: "10 minutes" }).pipe(
 *   Layer.provide(LibsqlClient.layer({ url: "file:switchboard.db" }))
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { ConcatStore, ConcatStoreError, defaultTtl, type Options, Part, type Service } from "./ConcatStore.js"

/**
 * The migrations table this package uses.
 *
 * @since 0.1.0
 * @category constants
 */
export const migrationsTable = "switchboard_vonage_sms_migrations"

/**
 * This package's migrations, for `Migrator` (`layer` runs them).
 *
 * @since 0.1.0
 * @category migrations
 */
export const migrations: Migrator.Loader = Migrator.fromRecord({
  "1_create_concat_parts": Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`CREATE TABLE IF NOT EXISTS switchboard_vonage_sms_concat_parts (
      concat_key TEXT NOT NULL,
      part INTEGER NOT NULL,
      total INTEGER NOT NULL,
      payload TEXT NOT NULL,
      received_at BIGINT NOT NULL,
      PRIMARY KEY (concat_key, part)
    )`
    yield* sql`CREATE INDEX IF NOT EXISTS switchboard_vonage_sms_concat_parts_received_at
      ON switchboard_vonage_sms_concat_parts (received_at)`
    yield* sql`CREATE TABLE IF NOT EXISTS switchboard_vonage_sms_concat_done (
      concat_key TEXT NOT NULL PRIMARY KEY,
      done_until BIGINT NOT NULL
    )`
  })
})

/**
 * Runs this package's migrations.
 *
 * @since 0.1.0
 * @category migrations
 */
export const migrate: Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  Migrator.MigrationError | SqlError,
  SqlClient.SqlClient
> = Migrator.make({})({ loader: migrations, table: migrationsTable })

const PartJson = Schema.parseJson(Part)
const encodePart = Schema.encode(PartJson)
const decodePart = Schema.decodeUnknown(PartJson)

interface PartRow {
  readonly payload: string
}

interface KeyRow {
  readonly concat_key: string
}

const storeError = (what: string) => (cause: unknown): ConcatStoreError =>
  new ConcatStoreError({ message: `the SQL concat store could not ${what}`, cause })

/**
 * A store over the `SqlClient` in context. Run `migrate` first (`layer` does).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): Effect.Effect<Service, never, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const ttl = Duration.decode(options?.ttl ?? defaultTtl)
    const ttlMillis = Duration.toMillis(ttl)

    const decodeRows = (rows: ReadonlyArray<PartRow>) =>
      Effect.map(Effect.forEach(rows, (row) => decodePart(row.payload)), (parts) =>
        [...parts].sort((a, b) => a.part - b.part))

    const markDone = (key: string, now: number) =>
      sql`INSERT INTO switchboard_vonage_sms_concat_done (concat_key, done_until)
        VALUES (${key}, ${now + ttlMillis})
        ON CONFLICT (concat_key) DO UPDATE SET done_until = excluded.done_until`

    // Whoever deletes the rows emits the set.
    const take = (key: string) =>
      sql<PartRow>`DELETE FROM switchboard_vonage_sms_concat_parts WHERE concat_key = ${key} RETURNING payload`

    const offer = (part: Part): Effect.Effect<Option.Option<ReadonlyArray<Part>>, ConcatStoreError> =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const done = yield* sql<{ readonly done_until: number | bigint }>`
          SELECT done_until FROM switchboard_vonage_sms_concat_done WHERE concat_key = ${part.key}`
        if (done.length > 0 && Number(done[0]!.done_until) >= now) return Option.none()
        const payload = yield* encodePart(part)
        const inserted = yield* sql<{ readonly part: number }>`
          INSERT INTO switchboard_vonage_sms_concat_parts (concat_key, part, total, payload, received_at)
          VALUES (${part.key}, ${part.part}, ${part.total}, ${payload}, ${now})
          ON CONFLICT (concat_key, part) DO NOTHING
          RETURNING part`
        if (inserted.length === 0) return Option.none()
        const counted = yield* sql<{ readonly n: number | bigint }>`
          SELECT COUNT(*) AS n FROM switchboard_vonage_sms_concat_parts WHERE concat_key = ${part.key}`
        if (Number(counted[0]?.n ?? 0) < part.total) return Option.none()
        yield* markDone(part.key, now)
        const rows = yield* take(part.key)
        if (rows.length < part.total) return Option.none()
        return Option.some(yield* decodeRows(rows))
      }).pipe(Effect.mapError(storeError("store a part")), Effect.withSpan("SqlConcatStore.offer"))

    const expire: Effect.Effect<ReadonlyArray<ReadonlyArray<Part>>, ConcatStoreError> = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      yield* sql`DELETE FROM switchboard_vonage_sms_concat_done WHERE done_until < ${now}`
      const keys = yield* sql<KeyRow>`
        SELECT concat_key FROM switchboard_vonage_sms_concat_parts
        GROUP BY concat_key HAVING MIN(received_at) <= ${now - ttlMillis}`
      const sets: Array<ReadonlyArray<Part>> = []
      for (const { concat_key } of keys) {
        yield* markDone(concat_key, now)
        const rows = yield* take(concat_key)
        if (rows.length > 0) sets.push(yield* decodeRows(rows))
      }
      return sets
    }).pipe(Effect.mapError(storeError("expire incomplete sets")), Effect.withSpan("SqlConcatStore.expire"))

    return { ttl, offer, expire }
  })

/**
 * Runs the migrations, then provides the store. A migration that fails is a `ConcatStoreError`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<ConcatStore, ConcatStoreError, SqlClient.SqlClient> =>
  Layer.effect(
    ConcatStore,
    Effect.zipRight(Effect.mapError(migrate, storeError("run its migrations")), make(options))
  )
