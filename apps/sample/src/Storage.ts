/**
 * Where state lives: one SQL database for the router's engine (workflows, message log, receipt index), the
 * Vonage SMS concat store and the WhatsApp conversation windows.
 *
 * - default: SQLite (libsql) in `SWITCHBOARD_DATA_DIR/switchboard.db`, one node;
 * - `DATABASE_URL=postgres://…`: PostgreSQL, one node;
 * - `DATABASE_URL` and `SWITCHBOARD_RUNNER_ADDRESS=host:port`: PostgreSQL, as one runner of a cluster
 *   (`@effect/cluster`); every runner shares the database and takes a share of the routing.
 *
 * @example
 * ```ts
 * import { Storage } from "@switchboard/sample/Storage"
 *
 * const StorageLive = Storage.layer({ dataDir: ".switchboard", databaseUrl: Option.none(), runnerAddress: Option.none(), runnerListen: Option.none() })
 * ```
 *
 * @since 0.1.0
 */
import * as LibsqlClient from "@effect/sql-libsql/LibsqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Engine from "@switchboard/router/Engine"
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
    ? `SQLite at ${path.resolve(options.dataDir, "switchboard.db")}`
    : Option.isSome(options.runnerAddress)
    ? `PostgreSQL, as cluster runner ${options.runnerAddress.value.host}:${options.runnerAddress.value.port}`
    : "PostgreSQL, single node"

const sqlite = (dataDir: string): Layer.Layer<SqlClient.SqlClient, unknown> =>
  Layer.unwrapEffect(Effect.try({
    try: () => {
      fs.mkdirSync(dataDir, { recursive: true })
      const filename = path.resolve(dataDir, "switchboard.db")
      return LibsqlClient.layer({ url: `file:${filename}`, intMode: "bigint" }) as Layer.Layer<SqlClient.SqlClient, unknown>
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
    onNone: () => sqlite(options.dataDir),
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
