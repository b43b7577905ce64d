import * as SqlClient from "@effect/sql/SqlClient"
import { LibsqlClient } from "@effect/sql-libsql"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { ConcatStore } from "@switchboard/vonage-sms"
import * as SqlConcatStore from "@switchboard/vonage-sms/SqlConcatStore"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

const makePart = (key: string, part: number, total: number, text = `p${part}`) =>
  new ConcatStore.Part({
    key,
    total,
    part,
    providerMessageId: `${key}-${part}`,
    from: "447700900001",
    to: "447700900000",
    type: "text",
    text,
    receivedAt: DateTime.unsafeMake(1_000 * part)
  })

let counter = 0
const freshKey = () => `set-${++counter}`

const suite = (name: string, store: () => Layer.Layer<ConcatStore.ConcatStore, unknown>) =>
  describe(name, () => {
    it.effect("emits a set once, complete and ordered, when its last part arrives", () =>
      Effect.gen(function*() {
        const s = yield* ConcatStore.ConcatStore
        const key = freshKey()
        assert.isTrue(Option.isNone(yield* s.offer(makePart(key, 2, 3))))
        assert.isTrue(Option.isNone(yield* s.offer(makePart(key, 3, 3))))
        const complete = yield* s.offer(makePart(key, 1, 3))
        assert.isTrue(Option.isSome(complete))
        assert.deepStrictEqual(Option.getOrThrow(complete).map((p) => p.part), [1, 2, 3])
        assert.deepStrictEqual(Option.getOrThrow(complete)[0], makePart(key, 1, 3))
        // late copies of its parts are ignored
        assert.isTrue(Option.isNone(yield* s.offer(makePart(key, 2, 3))))
        assert.deepStrictEqual(yield* s.expire, [])
      }).pipe(Effect.provide(store())))

    it.effect("ignores duplicates while waiting", () =>
      Effect.gen(function*() {
        const s = yield* ConcatStore.ConcatStore
        const key = freshKey()
        assert.isTrue(Option.isNone(yield* s.offer(makePart(key, 1, 2, "first"))))
        assert.isTrue(Option.isNone(yield* s.offer(makePart(key, 1, 2, "copy"))))
        const complete = Option.getOrThrow(yield* s.offer(makePart(key, 2, 2)))
        assert.deepStrictEqual(complete.map((p) => p.text), ["first", "p2"])
      }).pipe(Effect.provide(store())))

    it.effect("expires a set its TTL after its first part, and ignores its late parts afterwards", () =>
      Effect.gen(function*() {
        const s = yield* ConcatStore.ConcatStore
        const key = freshKey()
        const other = freshKey()
        yield* s.offer(makePart(key, 3, 3))
        yield* TestClock.adjust("30 seconds")
        yield* s.offer(makePart(key, 1, 3))
        yield* s.offer(makePart(other, 1, 2))
        yield* TestClock.adjust("29 seconds")
        assert.deepStrictEqual(yield* s.expire, [])
        yield* TestClock.adjust("1 second")
        const expired = yield* s.expire
        assert.deepStrictEqual(expired.map((set) => set.map((p) => `${p.key}:${p.part}`)), [[`${key}:1`, `${key}:3`]])
        assert.deepStrictEqual(yield* s.expire, [])
        assert.isTrue(Option.isNone(yield* s.offer(makePart(key, 2, 3))))
        yield* TestClock.adjust("30 seconds")
        assert.deepStrictEqual((yield* s.expire).map((set) => set[0]!.key), [other])
        // once the tombstone has gone, a part with the same key starts a new set
        yield* TestClock.adjust("2 minutes")
        yield* s.expire
        assert.isTrue(Option.isNone(yield* s.offer(makePart(key, 2, 3))))
        yield* TestClock.adjust("1 minute")
        assert.deepStrictEqual((yield* s.expire).map((set) => set.map((p) => p.part)), [[2]])
      }).pipe(Effect.provide(store())))

    const arrival = FastCheck.integer({ min: 2, max: 6 }).chain((total) =>
      FastCheck.tuple(
        FastCheck.constant(total),
        FastCheck.shuffledSubarray(
          Array.from({ length: total * 2 }, (_, i) => (i % total) + 1),
          { minLength: total * 2, maxLength: total * 2 }
        )
      )
    )

    const shared = store()
    it.effect.prop(
      "any order, with duplicates, emits exactly one complete ordered set",
      [arrival],
      ([[total, order]]) =>
        Effect.gen(function*() {
          const s = yield* ConcatStore.ConcatStore
          const key = freshKey()
          const emitted: Array<ReadonlyArray<number>> = []
          for (const n of order) {
            const result = yield* s.offer(makePart(key, n, total))
            if (Option.isSome(result)) emitted.push(result.value.map((p) => p.part))
          }
          assert.deepStrictEqual(emitted, [Array.from({ length: total }, (_, i) => i + 1)])
        }).pipe(Effect.provide(shared)),
      { fastCheck: { numRuns: 25 } }
    )

    it.effect("concurrent offers of the last parts emit the set once", () =>
      Effect.gen(function*() {
        const s = yield* ConcatStore.ConcatStore
        const key = freshKey()
        const results = yield* Effect.forEach([1, 2, 3, 4, 5], (n) => s.offer(makePart(key, n, 5)), {
          concurrency: "unbounded"
        })
        assert.strictEqual(results.filter(Option.isSome).length, 1)
      }).pipe(Effect.provide(store())))
  })

suite("ConcatStore.layerMemory", () => ConcatStore.layerMemory({ ttl: "1 minute" }))

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "vonage-sms-concat-"))
afterAll(() => fs.rmSync(tempDir, { recursive: true, force: true }))
let databases = 0

suite("SqlConcatStore.layer (libsql)", () =>
  SqlConcatStore.layer({ ttl: "1 minute" }).pipe(
    Layer.provideMerge(LibsqlClient.layer({ url: `file:${path.join(tempDir, `concat-${++databases}.db`)}` }))
  ))

describe("SqlConcatStore", () => {
  it.effect("migrates into its own migrations table, idempotently", () =>
    Effect.gen(function*() {
      const first = yield* SqlConcatStore.migrate
      const again = yield* SqlConcatStore.migrate
      assert.deepStrictEqual(first.map(([id]) => id), [1])
      assert.deepStrictEqual(again, [])
      const sql = yield* SqlClient.SqlClient
      const tables = yield* sql<{ readonly name: string }>`
        SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'switchboard_vonage_sms_%' ORDER BY name`
      assert.deepStrictEqual(tables.map((t) => t.name), [
        "switchboard_vonage_sms_concat_done",
        "switchboard_vonage_sms_concat_parts",
        "switchboard_vonage_sms_migrations"
      ])
    }).pipe(Effect.provide(LibsqlClient.layer({ url: `file:${path.join(tempDir, "migrate.db")}` }))))

  it.effect("keeps parts across store instances (a restart)", () =>
    Effect.gen(function*() {
      const url = `file:${path.join(tempDir, "restart.db")}`
      const key = freshKey()
      const offer = (n: number) =>
        Effect.flatMap(ConcatStore.ConcatStore, (s) => s.offer(makePart(key, n, 2))).pipe(
          Effect.provide(SqlConcatStore.layer().pipe(Layer.provide(LibsqlClient.layer({ url }))))
        )
      assert.isTrue(Option.isNone(yield* offer(1)))
      const complete = yield* offer(2)
      assert.deepStrictEqual(Option.getOrThrow(complete).map((p) => p.part), [1, 2])
    }))
})
