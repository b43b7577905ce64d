/**
 * Where state lives: one SQL database for the router's engine (workflows, message log, receipt index), the
 * Vonage SMS concat store and the WhatsApp conversation windows.
 *
 * - default: SQLite in `SWITCHBOARD_DATA_DIR/switchboard.db`, one node, through the router's `SqliteClient`
 *   (one connection kept open, cached statements, write-ahead log);
 * - `DATABASE_URL=postgres://…`: PostgreSQL, one node;
 * - `DATABASE_URL` and `SWITCHBOARD_RUNNER_ADDRESS=host:port`: PostgreSQL, as one runner of a cluster
 *   (`@effect/cluster`); every runner shares the database and takes a share of the routing.
 *
 * SQLite settings and what they cost in durability (every write — an accepted message, a delivery receipt — is
 * committed before the request that made it is answered, whichever is chosen):
 *
 * - `journal_mode = WAL` (always): a commit appends to the write-ahead log instead of rewriting pages through a
 *   rollback journal, and readers (the dashboard, `GET /messages`) do not block the writer. No durability cost.
 * - `synchronous` (`SWITCHBOARD_SQLITE_SYNCHRONOUS`): `normal` (the default here) does not wait for the disk at
 *   each commit, only when the log is checkpointed into the database. A committed write survives the process
 *   crashing or being killed (it is in the operating system's cache), but the last commits before a power cut or
 *   an operating-system crash can be lost; the database itself is never corrupted. `full` flushes the log to disk
 *   at every commit, so a 2xx also survives a power cut — and every commit waits for the disk (about 1.5 ms per
 *   commit on a virtual disk, two commits per delivery receipt, on the thread that serves requests).
 * - `busy_timeout` (5 s): another process holding the write lock (a `sqlite3` shell, a backup) is waited for
 *   instead of failing the request at once. No durability cost.
 *
 * @example
 * ```ts
 * import { Storage } from "@switchboard/sample/Storage"
 *
 * const StorageLive = Storage.layer({ dataDir: ".switchboard", synchronous: "normal", databaseUrl: Option.none(), runnerAddress: Option.none(), runnerListen: Option.none() })
 * ```
 *
 * @since 0.1.0
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Engine from "@switchboard/router/Engine"
import * as SqliteClient from "@switchboard/router/SqliteClient"
import type { ConcatStore } from "@switchboard/vonage-sms"
import * as SqlConcatStore from "@switchboard/vonage-sms/SqlConcatStore"
import type { ConversationWindow } from "@switchboard/whatsapp"
import * as SqlConversationWindow from "@switchboard/whatsapp/SqlConversationWindow"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as fs from "node:fs"
import * as path from "node:path"
import type { RunnerAddress } from "./AppConfig.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly dataDir: string
  /** SQLite: when commits reach the disk (see the module description). */
  readonly synchronous: "full" | "normal"
  readonly databaseUrl: Option.Option<Redacted.Redacted>
  readonly runnerAddress: Option.Option<RunnerAddress>
  readonly runnerListen: Option.Option<RunnerAddress>
}

/**
 * @since 0.1.0
 * @category models
 */
export type Services = Engine.Services | ConcatStore.ConcatStore | ConversationWindow.ConversationWindow | SqlClient.SqlClient

/**
 * A sentence saying where state is kept (no credentials).
 *
 * @since 0.1.0
 * @category getters
 */
export const describe = (options: Options): string =>
  Option.isNone(options.databaseUrl)
    ? `SQLite at ${path.resolve(options.dataDir, "switchboard.db")} (synchronous=${options.synchronous})`
    : Option.isSome(options.runnerAddress)
    ? `PostgreSQL, as cluster runner ${options.runnerAddress.value.host}:${options.runnerAddress.value.port}`
    : "PostgreSQL, single node"

const sqlite = (dataDir: string, synchronous: "full" | "normal"): Layer.Layer<SqlClient.SqlClient, unknown> =>
  Layer.unwrapEffect(Effect.try({
    try: () => {
      fs.mkdirSync(dataDir, { recursive: true })
      return SqliteClient.layer({ filename: path.resolve(dataDir, "switchboard.db"), synchronous, busyTimeout: "5 seconds" })
    },
    catch: (error) => new Error(`cannot create the data directory ${dataDir}: ${String(error)}`)
  }))

/**
 * The storage layer for the options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<Services, unknown> => {
  const sql: Layer.Layer<SqlClient.SqlClient, unknown> = Option.match(options.databaseUrl, {
    onNone: () => sqlite(options.dataDir, options.synchronous),
    onSome: (url) => PgClient.layer({ url, maxConnections: 10 }) as Layer.Layer<SqlClient.SqlClient, unknown>
  })
  const engine: Layer.Layer<Engine.Services, unknown, SqlClient.SqlClient> = Option.isSome(options.databaseUrl) &&
      Option.isSome(options.runnerAddress)
    ? Engine.layerCluster({
      runner: options.runnerAddress.value,
      listen: Option.getOrUndefined(options.runnerListen)
    })
    : Engine.layerSingleNode()
  return Layer.mergeAll(engine, SqlConcatStore.layer(), SqlConversationWindow.layer).pipe(Layer.provideMerge(sql))
}
