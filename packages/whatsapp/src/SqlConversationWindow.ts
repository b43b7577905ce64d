/**
 * A `ConversationWindow` in any `@effect/sql` database (SQLite / libsql, Postgres, …), so every process
 * behind the inbound webhook and every sender share who wrote when, and a restart forgets nothing.
 *
 * `layer` runs this package's migration first (its own migrations table, `switchboard_whatsapp_migrations`,
 * so it never collides with an application's migrations), creating
 * `switchboard_whatsapp_conversation_windows (business, customer, last_inbound_at)` with primary key
 * `(business, customer)`; `last_inbound_at` is epoch milliseconds and only ever moves forward (an upsert keeps
 * the later of the stored and the new time, so webhooks arriving out of order are harmless).
 *
 * `@effect/sql` is an optional peer dependency, so this module is imported by path
 * (`@switchboard/whatsapp/SqlConversationWindow`) rather than from the package index.
 *
 * @example
 * ```ts
 * import { LibsqlClient } from "@effect/sql-libsql"
 * import * as SqlConversationWindow from "@switchboard/whatsapp/SqlConversationWindow"
 * import { Layer } from "effect"
 *
 * const ConversationWindowLive = SqlConversationWindow.layer.pipe(
 *   Layer.provide(LibsqlClient.layer({ url: "file:switchboard.db" }))
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { ConversationWindow, ConversationWindowError, key, type Service } from "./ConversationWindow.js"

/**
 * The migrations table this package uses.
 *
 * @since 0.1.0
 * @category constants
 */
export const migrationsTable = "switchboard_whatsapp_migrations"

/**
 * This package's migrations, for `Migrator` (`layer` runs them).
 *
 * @since 0.1.0
 * @category migrations
 */
export const migrations: Migrator.Loader = Migrator.fromRecord({
  "1_create_conversation_windows": Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`CREATE TABLE IF NOT EXISTS switchboard_whatsapp_conversation_windows (
      business TEXT NOT NULL,
      customer TEXT NOT NULL,
      last_inbound_at BIGINT NOT NULL,
      PRIMARY KEY (business, customer)
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

interface Row {
  readonly last_inbound_at: number | bigint | string
}

const storeError = (what: string) => (cause: unknown): ConversationWindowError =>
  new ConversationWindowError({ message: `the SQL conversation window could not ${what}`, cause })

/**
 * A window store over the `SqlClient` in context. Run `migrate` first (`layer` does).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, SqlClient.SqlClient> = Effect.map(
  SqlClient.SqlClient,
  (sql): Service => ({
    record: (k, at) => {
      const { business, customer } = key(k.business, k.customer)
      const millis = DateTime.toEpochMillis(at)
      return sql`INSERT INTO switchboard_whatsapp_conversation_windows (business, customer, last_inbound_at)
        VALUES (${business}, ${customer}, ${millis})
        ON CONFLICT (business, customer) DO UPDATE SET last_inbound_at = CASE
          WHEN excluded.last_inbound_at > switchboard_whatsapp_conversation_windows.last_inbound_at
          THEN excluded.last_inbound_at
          ELSE switchboard_whatsapp_conversation_windows.last_inbound_at
        END`.pipe(
        Effect.asVoid,
        Effect.mapError(storeError("record an inbound message")),
        Effect.withSpan("SqlConversationWindow.record")
      )
    },
    lastInbound: (k) => {
      const { business, customer } = key(k.business, k.customer)
      return sql<Row>`SELECT last_inbound_at FROM switchboard_whatsapp_conversation_windows
        WHERE business = ${business} AND customer = ${customer}`.pipe(
        Effect.mapError(storeError("read the last inbound message")),
        Effect.flatMap((rows) => {
          if (rows.length === 0) return Effect.succeed(Option.none<DateTime.Utc>())
          const millis = Number(rows[0]!.last_inbound_at)
          return Number.isFinite(millis)
            ? Effect.succeed(Option.some(DateTime.unsafeMake(millis)))
            : Effect.fail(new ConversationWindowError({ message: "the SQL conversation window holds an invalid time" }))
        }),
        Effect.withSpan("SqlConversationWindow.lastInbound")
      )
    }
  })
)

/**
 * Runs the migrations, then provides the window store.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ConversationWindow, Migrator.MigrationError | SqlError, SqlClient.SqlClient> = Layer
  .effect(ConversationWindow, Effect.zipRight(migrate, make))
