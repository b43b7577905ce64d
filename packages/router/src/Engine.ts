/**
 * Engines: what runs the router's workflows and where its log and receipt index live. The router is the same
 * on every engine; pick one by layer.
 *
 * | engine | layer | survives a crash | processes |
 * |---|---|---|---|
 * | in memory | `layerMemory` | no | one |
 * | single node, SQLite (libsql) | `layerSqlite` (or `layerSingleNode` on your own `SqlClient`) | yes | one at a time per database file |
 * | cluster of runners, PostgreSQL | `layerPostgres` (or `layerCluster` on your own `SqlClient`) | yes | many, on one database |
 *
 * The single-node engine is the router's own durable workflow engine on SQL (executions, activity results,
 * deferreds and clocks in four tables; a waiting workflow holds no memory; unfinished ones resume at start-up);
 * on SQLite it goes through `SqliteClient` (one connection, group commit). Cluster runners run
 * `@effect/cluster` with its message storage in the same database as the router's log, with timings tuned
 * for messaging rather than the cluster defaults: storage is polled every 250 ms (the default is 10 s), and
 * runners check each other every 2 seconds, so the work of a runner that died moves to the others within
 * seconds. `shardingConfig` overrides any of it.
 *
 * @example
 * ```ts
 * import type { Channel } from "@switchboard/core"
 * import { Engine, Router } from "@switchboard/router"
 * import { Layer, Redacted } from "effect"
 *
 * declare const channels: ReadonlyArray<Channel.Channel>
 *
 * // one process, SQLite file
 * const single = Router.layer({ channels }).pipe(
 *   Layer.provideMerge(Engine.layerSqlite({ filename: "switchboard.db" }))
 * )
 *
 * // one of several runners sharing PostgreSQL; each runner listens on its own address
 * const runner = Router.layer({ channels }).pipe(
 *   Layer.provideMerge(Engine.layerPostgres({
 *     url: Redacted.make("postgres://switchboard@db.internal/switchboard"),
 *     runner: { host: "10.0.0.7", port: 34431 }
 *   }))
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as ClusterWorkflowEngine from "@effect/cluster/ClusterWorkflowEngine"
import type * as MessageStorage from "@effect/cluster/MessageStorage"
import * as RunnerAddress from "@effect/cluster/RunnerAddress"
import type * as Runners from "@effect/cluster/Runners"
import type * as Sharding from "@effect/cluster/Sharding"
import type * as ShardingConfig from "@effect/cluster/ShardingConfig"
import * as NodeClusterSocket from "@effect/platform-node/NodeClusterSocket"
import type * as SocketServer from "@effect/platform/SocketServer"
import * as PgClient from "@effect/sql-pg/PgClient"
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { layerMemory as workflowEngineMemory } from "@effect/workflow/WorkflowEngine"
import type { WorkflowEngine } from "@effect/workflow/WorkflowEngine"
import * as Config from "effect/Config"
import type { ConfigError } from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type { MigrationError } from "@effect/sql/Migrator"
import * as SqlEngine from "./internal/sqlEngine.js"
import { MemoryEngine } from "./internal/wakeup.js"
import * as MessageLog from "./MessageLog.js"
import * as ReceiptIndex from "./ReceiptIndex.js"
import * as SqliteClient from "./SqliteClient.js"

/**
 * What an engine provides to `Router.layer`.
 *
 * @since 0.1.0
 * @category models
 */
export type Services = WorkflowEngine | MessageLog.MessageLog | ReceiptIndex.ReceiptIndex

/**
 * Errors building a durable engine: the database, its migrations, the runner's socket, the cluster's
 * environment configuration.
 *
 * @since 0.1.0
 * @category models
 */
export type EngineError = SqlError | MigrationError | ConfigError | SocketServer.SocketServerError

/**
 * Everything in memory: for tests and demos. Nothing survives the process.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<Services> = Layer.mergeAll(
  workflowEngineMemory,
  MessageLog.layerMemory,
  ReceiptIndex.layerMemory,
  Layer.succeed(MemoryEngine, true)
) as Layer.Layer<Services>

/**
 * The cluster timings the durable engines use (see the module description).
 *
 * @since 0.1.0
 * @category configuration
 */
export const shardingDefaults: Partial<ShardingConfig.ShardingConfig["Type"]> = {
  entityMessagePollInterval: Duration.millis(250),
  entityReplyPollInterval: Duration.millis(100),
  sendRetryInterval: Duration.millis(100),
  refreshAssignmentsInterval: Duration.seconds(1),
  runnerHealthCheckInterval: Duration.seconds(2),
  entityTerminationTimeout: Duration.seconds(5)
  // Shard locks keep the cluster's timings (refreshed every 10 s, lock operations time out after 10 s): on
  // PostgreSQL they are advisory locks, released the moment a dead runner's connections close, so shorter
  // timings would not move work faster — they would only let a busy runner drop its shards.
}

/**
 * Options shared by the durable engines.
 *
 * @since 0.1.0
 * @category models
 */
export interface DurableOptions {
  /** Prefix of the router's tables. Default: `switchboard_router`. */
  readonly prefix?: string | undefined
  /** How often a waiting `awaitOutcome` checks the database. Default: 250 milliseconds. */
  readonly outcomePollInterval?: Duration.DurationInput | undefined
  /** How often the single-node engine looks for durable clocks that are due. Default: 200 milliseconds. */
  readonly clockPollInterval?: Duration.DurationInput | undefined
  /** Overrides of the cluster's configuration (on top of `shardingDefaults`); cluster runners only. */
  readonly shardingConfig?: Partial<ShardingConfig.ShardingConfig["Type"]> | undefined
}

const stores = (options?: DurableOptions) =>
  Layer.merge(
    MessageLog.layerSql({ prefix: options?.prefix, outcomePollInterval: options?.outcomePollInterval }),
    ReceiptIndex.layerSql({ prefix: options?.prefix })
  )

const onCluster = <E, R>(
  cluster: Layer.Layer<Sharding.Sharding | Runners.Runners | MessageStorage.MessageStorage, E, R>,
  options?: DurableOptions
): Layer.Layer<Services, E | SqlError | MigrationError, R | SqlClient.SqlClient> =>
  Layer.merge(ClusterWorkflowEngine.layer.pipe(Layer.provide(cluster)), stores(options))

/**
 * A single durable node on the `SqlClient` you provide (SQLite through libsql, or PostgreSQL): the
 * workflows, their clocks and the log are stored in the database, and a restarted process carries on where
 * the last one stopped. One process at a time per database: for several, use `layerCluster`.
 *
 * On SQLite, use `SqliteClient` (one connection, cached statements, group commit); `@effect/sql-libsql`'s
 * client works too but opens a connection for every transaction.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSingleNode = (
  options?: DurableOptions
): Layer.Layer<Services, SqlError | MigrationError, SqlClient.SqlClient> =>
  Layer.merge(
    SqlEngine.layer({
      prefix: options?.prefix ?? "switchboard_router",
      clockPollInterval: options?.clockPollInterval ?? Duration.millis(200)
    }),
    stores(options)
  )

/**
 * A single durable node on a SQLite file, through libsql (prebuilt, nothing to compile), with one connection
 * kept open (see `SqliteClient`). The default embedded engine.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSqlite = (
  options: DurableOptions & {
    /** The database file; created when missing. */
    readonly filename: string
    /** When commits reach the disk; see `SqliteClient`. Default: `"full"`. */
    readonly synchronous?: "full" | "normal" | undefined
  }
): Layer.Layer<Services, SqlError | MigrationError | ConfigError> =>
  layerSingleNode(options).pipe(
    Layer.provide(SqliteClient.layer({ filename: options.filename, synchronous: options.synchronous }))
  )

/**
 * Options of a cluster runner.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunnerOptions extends DurableOptions {
  /** The address other runners reach this one at. */
  readonly runner: { readonly host: string; readonly port: number }
  /** The address to listen on, when it differs (in a container, `0.0.0.0`). */
  readonly listen?: { readonly host: string; readonly port: number } | undefined
}

/**
 * One runner of a cluster on the `SqlClient` you provide (PostgreSQL): runners share the work by shards,
 * talk to each other over sockets, and take over the shards of a runner that stops answering. A message can
 * be submitted to any runner and its webhooks delivered to any runner.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerCluster = (
  options: RunnerOptions
): Layer.Layer<Services, EngineError, SqlClient.SqlClient> =>
  onCluster(
    NodeClusterSocket.layer({
      storage: "sql",
      shardingConfig: {
        ...shardingDefaults,
        ...options.shardingConfig,
        runnerAddress: Option.some(RunnerAddress.make(options.runner.host, options.runner.port)),
        runnerListenAddress: options.listen === undefined
          ? Option.none()
          : Option.some(RunnerAddress.make(options.listen.host, options.listen.port))
      }
    }),
    options
  )

/**
 * One runner of a cluster on PostgreSQL.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPostgres = (
  options: RunnerOptions & {
    readonly url: Redacted.Redacted
    /** Connections in the pool. Default: 10. */
    readonly maxConnections?: number | undefined
  }
): Layer.Layer<Services, EngineError> =>
  layerCluster(options).pipe(
    Layer.provide(PgClient.layer({ url: options.url, maxConnections: options.maxConnections ?? 10 }))
  )

/**
 * `layerSqlite` with its options read from `Config` (for example
 * `Engine.layerSqliteConfig({ filename: Config.string("SWITCHBOARD_DB") })`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSqliteConfig = (
  config: Config.Config.Wrap<DurableOptions & { readonly filename: string }>
): Layer.Layer<Services, SqlError | MigrationError | ConfigError> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(config), layerSqlite))

/**
 * `layerPostgres` with its options read from `Config` (for example
 * `{ url: Config.redacted("DATABASE_URL"), runner: { host: Config.string("RUNNER_HOST"), port: Config.port("RUNNER_PORT") } }`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPostgresConfig = (
  config: Config.Config.Wrap<
    RunnerOptions & { readonly url: Redacted.Redacted; readonly maxConnections?: number | undefined }
  >
): Layer.Layer<Services, EngineError> => Layer.unwrapEffect(Effect.map(Config.unwrap(config), layerPostgres))
