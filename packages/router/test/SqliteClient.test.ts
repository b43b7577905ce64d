import { assert, describe, it } from "@effect/vitest"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll } from "vitest"
import * as SqliteClient from "../src/SqliteClient.js"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-sqlite-client-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
let files = 0
const fresh = () => path.join(dir, `db-${++files}.db`)

const withClient = <A, E>(filename: string, effect: Effect.Effect<A, E, SqlClient.SqlClient>) =>
  Effect.provide(effect, SqliteClient.layer({ filename }))

const setup = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, flag INTEGER, big INTEGER)`
  return sql
})

describe("SqliteClient", () => {
  it.live("stores and reads values: integers as bigint, booleans as 1/0, dates as epoch milliseconds", () =>
    withClient(
      fresh(),
      Effect.gen(function*() {
        const sql = yield* setup
        const big = 2n ** 62n + 1n
        yield* sql`INSERT INTO t (name, flag, big) VALUES (${"a"}, ${true}, ${big})`
        yield* sql`INSERT INTO t (name, flag, big) VALUES (${"b"}, ${false}, ${new Date(1_700_000_000_000)})`
        const rows = yield* sql<{ name: string; flag: bigint; big: bigint }>`SELECT name, flag, big FROM t ORDER BY name`
        assert.deepStrictEqual(rows.map((r) => [r.name, r.flag, r.big]), [["a", 1n, big], ["b", 0n, 1_700_000_000_000n]])
        const values = yield* sql`SELECT name FROM t ORDER BY name`.values
        assert.deepStrictEqual(values, [["a"], ["b"]])
      })
    ))

  it.live("concurrent writers all land, and a failing statement fails alone", () =>
    withClient(
      fresh(),
      Effect.gen(function*() {
        const sql = yield* setup
        const results = yield* Effect.forEach(
          Array.from({ length: 200 }, (_, i) => i),
          // every 50th name repeats an earlier one: the UNIQUE constraint fails that insert only
          (i) => Effect.exit(sql`INSERT INTO t (name) VALUES (${i > 0 && i % 50 === 0 ? "n-1" : `n-${i}`})`),
          { concurrency: "unbounded" }
        )
        const failed = results.filter(Exit.isFailure).length
        assert.strictEqual(failed, 3)
        const count = yield* sql<{ n: bigint }>`SELECT count(*) AS n FROM t`
        assert.strictEqual(count[0]?.n, 197n)
      })
    ))

  it.live("a transaction is all or nothing, and statements outside it wait for it", () =>
    withClient(
      fresh(),
      Effect.gen(function*() {
        const sql = yield* setup
        const failed = yield* Effect.exit(sql.withTransaction(Effect.gen(function*() {
          yield* sql`INSERT INTO t (name) VALUES ('inside-1')`
          yield* Effect.sleep("20 millis")
          yield* sql`INSERT INTO t (name) VALUES ('inside-1')`
        })))
        assert.isTrue(Exit.isFailure(failed))
        // an outside statement started while a transaction sleeps is not part of it
        const [committed] = yield* Effect.all([
          sql.withTransaction(Effect.gen(function*() {
            yield* sql`INSERT INTO t (name) VALUES ('inside-2')`
            yield* Effect.sleep("20 millis")
            return yield* sql<{ name: string }>`SELECT name FROM t ORDER BY name`
          })),
          Effect.zipRight(Effect.sleep("5 millis"), sql`INSERT INTO t (name) VALUES ('outside')`)
        ], { concurrency: "unbounded" })
        assert.deepStrictEqual(committed.map((r) => r.name), ["inside-2"])
        const rows = yield* sql<{ name: string }>`SELECT name FROM t ORDER BY name`
        assert.deepStrictEqual(rows.map((r) => r.name), ["inside-2", "outside"])
      })
    ))

  it.live("what was written is there after the client is closed and opened again", () => {
    const filename = fresh()
    return Effect.gen(function*() {
      yield* withClient(filename, Effect.flatMap(setup, (sql) => sql`INSERT INTO t (name) VALUES ('kept')`))
      const rows = yield* withClient(
        filename,
        Effect.flatMap(SqlClient.SqlClient, (sql) => sql<{ name: string }>`SELECT name FROM t`)
      )
      assert.deepStrictEqual(rows.map((r) => r.name), ["kept"])
    })
  })

  it.live("a database that cannot be opened fails with a SqlError naming the file", () =>
    Effect.gen(function*() {
      const filename = path.join(dir, "missing-folder", "x.db")
      const exit = yield* Effect.exit(withClient(filename, SqlClient.SqlClient))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) assert.include(String(exit.cause), "missing-folder")
    }))
})
