/**
 * An `@effect/sql` client for a SQLite file that keeps one connection open for the life of the layer, through
 * libsql's native binding (the engine `@effect/sql-libsql` uses; prebuilt, nothing to compile).
 *
 * Why not `@effect/sql-libsql`'s client: `@libsql/client` hands its connection to every transaction and opens a
 * new one for whatever comes next, so each transaction pays for opening the file, reading the schema and
 * preparing its statements again, and a closing connection may checkpoint the write-ahead log. The cluster
 * behind the router's durable engine runs a transaction for nearly every step of every message, so on that
 * client the router spent most of its time opening connections. Here:
 *
 * - one connection, opened once, with `journal_mode = WAL` (readers such as a dashboard do not block the
 *   writer) and a busy timeout (another process holding the write lock is waited for, not failed);
 * - prepared statements are cached (least recently used, `statementCacheSize` of them);
 * - group commit: a statement outside a transaction runs at once, in a transaction shared with the statements
 *   other fibers run in the same turn of the event loop, and completes when that transaction has committed. No
 *   caller goes on before its write is on disk, and concurrent writers share one commit instead of paying for
 *   one each. A statement that fails (a constraint) fails alone; PRAGMAs that cannot run inside a transaction
 *   (`journal_mode`) are set here, not through the client;
 * - a transaction (`withTransaction`) holds the connection from BEGIN to COMMIT or ROLLBACK; statements outside
 *   it wait, so nothing runs inside another fiber's transaction by accident;
 * - integers come back as `bigint` (the cluster's tables hold 64-bit ids), as with `intMode: "bigint"`;
 *   booleans are stored as 1 and 0, dates as epoch milliseconds.
 *
 * Durability: `synchronous: "full"` (the default) syncs the log to disk at every commit, so a committed write
 * survives a power cut. `"normal"` syncs only when the log is checkpointed: a commit still survives the process
 * being killed, but the last commits before a power cut or an operating-system crash can be lost. It is several
 * times cheaper per commit.
 *
 * @example
 * ```ts
 * import * as SqlClient from "@effect/sql/SqlClient"
 * import { SqliteClient } from "@switchboard/router"
 * import { Effect } from "effect"
 *
 * const count = Effect.gen(function*() {
 *   const sql = yield* SqlClient.SqlClient
 *   return yield* sql<{ n: bigint }>`SELECT count(*) AS n FROM sqlite_master`
 * }).pipe(Effect.provide(SqliteClient.layer({ filename: "switchboard.db" })))
 * ```
 *
 * @since 0.1.0
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import * as Statement from "@effect/sql/Statement"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import Database from "libsql"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The database file, created when missing; `":memory:"` for a private in-memory database. */
  readonly filename: string
  /** When commits reach the disk (see the module description). Default: `"full"`. */
  readonly synchronous?: "full" | "normal" | undefined
  /** How long to wait for another process's write lock. Default: 5 seconds. */
  readonly busyTimeout?: Duration.DurationInput | undefined
  /** Prepared statements kept. Default: 256. */
  readonly statementCacheSize?: number | undefined
  /** Extra attributes for the `sql.execute` spans. */
  readonly spanAttributes?: Record<string, unknown> | undefined
}

type Statement = ReturnType<Database.Database["prepare"]>

const minInteger = -9223372036854775808n
const maxInteger = 9223372036854775807n

const toSql = (value: unknown): unknown => {
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) throw new RangeError(`cannot store the number ${value} in SQLite`)
      return value
    case "bigint":
      if (value < minInteger || value > maxInteger) throw new RangeError(`${value} does not fit a 64-bit integer`)
      return value
    case "boolean":
      return value ? 1n : 0n
    case "undefined":
      throw new TypeError("undefined cannot be stored in SQLite (use null)")
    default:
      if (value instanceof Date) return value.valueOf()
      if (value instanceof ArrayBuffer) return Buffer.from(value)
      return value
  }
}

interface Prepared {
  readonly statement: Statement
  /** Whether it returns rows (asking the binding costs a native call). */
  readonly reader: boolean
  /** Whether it leaves the database as it is (a plain query). */
  readonly readonly: boolean
}

class StatementCache {
  private readonly statements = new Map<string, Prepared>()
  constructor(private readonly db: Database.Database, private readonly capacity: number) {}
  get(sql: string): Prepared {
    const cached = this.statements.get(sql)
    if (cached !== undefined) {
      // most recently used last
      this.statements.delete(sql)
      this.statements.set(sql, cached)
      return cached
    }
    const statement = this.db.prepare(sql)
    statement.safeIntegers(true)
    const reader = statement.reader
    // libsql's binding does not say whether a statement writes: a SELECT that returns rows does not
    const prepared: Prepared = { statement, reader, readonly: reader && /^\s*SELECT\b/i.test(sql) }
    if (this.capacity > 0) {
      this.statements.set(sql, prepared)
      if (this.statements.size > this.capacity) {
        const oldest = this.statements.keys().next()
        if (oldest.done !== true) this.statements.delete(oldest.value)
      }
    }
    return prepared
  }
}

const failure = (cause: unknown) =>
  new SqlError({ cause, message: `SQLite: ${cause instanceof Error ? cause.message : String(cause)}` })

/** Runs a prepared statement: rows as objects, or as arrays of values. */
const runPrepared = (prepared: Prepared, params: ReadonlyArray<unknown>, values: boolean): ReadonlyArray<any> => {
  const { reader, statement } = prepared
  const args = params.map(toSql)
  if (!reader) {
    statement.run(args)
    return []
  }
  if (!values) return statement.all(args)
  statement.raw(true)
  try {
    return statement.all(args)
  } finally {
    statement.raw(false)
  }
}

/** How a connection runs a statement: `values` for arrays of values instead of objects. */
type Runner = (sql: string, params: ReadonlyArray<unknown>, values: boolean) => Effect.Effect<ReadonlyArray<any>, SqlError>

const makeConnection = (run: Runner): Connection => {
  const execute = (sql: string, params: ReadonlyArray<unknown>, transformRows?: <A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) =>
    transformRows === undefined ? run(sql, params, false) : Effect.map(run(sql, params, false), transformRows)
  return {
    execute,
    executeRaw: (sql, params) => run(sql, params, false),
    executeValues: (sql, params) => run(sql, params, true),
    executeUnprepared: execute,
    executeStream: (sql, params, transformRows) => Stream.fromIterableEffect(execute(sql, params, transformRows))
  }
}

/**
 * Opens the database (closed with the scope) and builds the client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<SqlClient.SqlClient, SqlError, Scope.Scope | Reactivity.Reactivity> =>
  Effect.gen(function*() {
    const db = yield* Effect.acquireRelease(
      Effect.try({
        try: () => {
          const db = new Database(options.filename)
          try {
            db.exec(`PRAGMA busy_timeout = ${Math.round(Duration.toMillis(options.busyTimeout ?? "5 seconds"))}`)
            if (options.filename !== ":memory:") db.exec("PRAGMA journal_mode = WAL")
            db.exec(`PRAGMA synchronous = ${options.synchronous === "normal" ? "NORMAL" : "FULL"}`)
          } catch (error) {
            db.close()
            throw error
          }
          return db
        },
        catch: (cause) =>
          new SqlError({
            cause,
            message: `cannot open the SQLite database ${options.filename}: ${
              cause instanceof Error ? cause.message : String(cause)
            }`
          })
      }),
      (db) => Effect.sync(() => db.close())
    )
    const cache = new StatementCache(db, options.statementCacheSize ?? 256)
    const semaphore = yield* Effect.makeSemaphore(1)

    // Group commit. A statement outside a transaction runs at once, inside a transaction that statements from
    // other fibers share until the end of the event loop's turn, and its effect completes when that transaction
    // has committed: nobody goes on before their write is on disk, and concurrent writers share one commit (and
    // one sync of the log) instead of paying for one each. A query while no group is open reads committed data
    // and needs no transaction. Statements are synchronous, so nothing interleaves with them.
    let group: Deferred.Deferred<void, SqlError> | undefined
    // an explicit transaction (`withTransaction`) owns the connection
    let owned = false
    const rollbackQuietly = () => {
      try {
        if (db.inTransaction) db.exec("ROLLBACK")
      } catch {
        // the transaction is gone already
      }
    }
    const commitGroup = () => {
      const committed = group
      if (committed === undefined) return
      group = undefined
      try {
        db.exec("COMMIT")
        Deferred.unsafeDone(committed, Exit.void)
      } catch (cause) {
        rollbackQuietly()
        Deferred.unsafeDone(committed, Exit.fail(failure(cause)))
      }
    }
    const commitSoon = () => {
      setImmediate(() => {
        if (!owned) commitGroup()
      })
    }
    yield* Effect.addFinalizer(() => Effect.sync(commitGroup))

    const runGrouped = (sql: string, params: ReadonlyArray<unknown>, values: boolean): Effect.Effect<ReadonlyArray<any>, SqlError> => {
      let prepared: Prepared
      try {
        prepared = cache.get(sql)
        if (group === undefined && prepared.readonly) return Effect.succeed(runPrepared(prepared, params, values))
        if (group === undefined) {
          db.exec("BEGIN IMMEDIATE")
          group = Deferred.unsafeMake<void, SqlError>(FiberId.none)
          commitSoon()
        }
      } catch (cause) {
        return Effect.fail(failure(cause))
      }
      const committed = group
      let rows: ReadonlyArray<any>
      try {
        rows = runPrepared(prepared, params, values)
      } catch (cause) {
        const error = failure(cause)
        // some errors (a full disk, an I/O error) roll the whole transaction back
        if (!db.inTransaction && group === committed) {
          group = undefined
          Deferred.unsafeDone(committed, Exit.fail(error))
        }
        return Effect.zipRight(Effect.ignore(Deferred.await(committed)), Effect.fail(error))
      }
      return Effect.as(Deferred.await(committed), rows)
    }
    // outside a transaction: wait while one owns the connection
    const shared = makeConnection((sql, params, values) =>
      Effect.suspend(() =>
        owned
          ? semaphore.withPermits(1)(Effect.suspend(() => runGrouped(sql, params, values)))
          : runGrouped(sql, params, values)
      )
    )
    const inTransaction = makeConnection((sql, params, values) =>
      Effect.try({ try: () => runPrepared(cache.get(sql), params, values), catch: failure })
    )
    // A transaction takes the connection from BEGIN to COMMIT or ROLLBACK, after committing the open group.
    const transactionAcquirer: Effect.Effect<Connection, SqlError, Scope.Scope> = Effect.uninterruptibleMask((restore) =>
      Effect.zipRight(
        restore(semaphore.take(1)),
        Effect.as(
          Effect.zipRight(
            Effect.sync(() => {
              commitGroup()
              owned = true
            }),
            Effect.addFinalizer(() =>
              Effect.zipRight(
                // a failed COMMIT leaves the transaction open: roll it back before anyone else uses the connection
                Effect.sync(() => {
                  rollbackQuietly()
                  owned = false
                }),
                semaphore.release(1)
              )
            )
          ),
          inTransaction
        )
      )
    )

    return yield* SqlClient.make({
      acquirer: Effect.succeed(shared),
      transactionAcquirer,
      compiler: Statement.makeCompilerSqlite(),
      beginTransaction: "BEGIN IMMEDIATE",
      spanAttributes: [
        ...(options.spanAttributes === undefined ? [] : Object.entries(options.spanAttributes)),
        ["db.system.name", "sqlite"]
      ]
    })
  })

/**
 * The client as a layer (also providing `Reactivity`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<SqlClient.SqlClient, SqlError> =>
  Layer.scoped(SqlClient.SqlClient, make(options)).pipe(Layer.provide(Reactivity.layer))
