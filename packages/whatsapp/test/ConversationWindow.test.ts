import * as SqlClient from "@effect/sql/SqlClient"
import { LibsqlClient } from "@effect/sql-libsql"
import { assert, describe, it } from "@effect/vitest"
import * as Content from "@switchboard/core/Content"
import { InboundMessage } from "@switchboard/core/InboundMessage"
import { StatusUpdate } from "@switchboard/core/Status"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as ConversationWindow from "../src/ConversationWindow.js"
import * as SqlConversationWindow from "../src/SqlConversationWindow.js"

const at = (iso: string) => DateTime.unsafeMake(iso)

const inbound = (channel: string, from: string, to: string, receivedAt: DateTime.Utc) =>
  new InboundMessage({
    channel,
    providerMessageId: `${channel}-${from}-${DateTime.toEpochMillis(receivedAt)}`,
    from,
    to,
    content: Content.text("hi"),
    receivedAt
  })

const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-whatsapp-"))
let databases = 0

const implementations: ReadonlyArray<readonly [string, () => Layer.Layer<ConversationWindow.ConversationWindow, unknown>]> = [
  ["memory", () => ConversationWindow.layerMemory],
  [
    "SQL (libsql in memory)",
    // libsql runs a transaction (the migration's) on a new connection: a plain `:memory:` database would lose
    // the table, so the in-memory database is shared, and emptied for each test
    () =>
      Layer.effectDiscard(
        Effect.flatMap(SqlClient.SqlClient, (sql) => sql`DELETE FROM switchboard_whatsapp_conversation_windows`)
      ).pipe(
        Layer.provideMerge(SqlConversationWindow.layer),
        Layer.provide(LibsqlClient.layer({ url: "file::memory:?cache=shared" }))
      )
  ],
  [
    "SQL (libsql temp file)",
    () =>
      SqlConversationWindow.layer.pipe(
        Layer.provide(LibsqlClient.layer({ url: `file:${path.join(tempDir, `window-${++databases}.db`)}` }))
      )
  ]
]

describe("ConversationWindow", () => {
  for (const [name, layer] of implementations) {
    describe(name, () => {
      it.effect("remembers the latest inbound message per business and customer, whatever the arrival order", () =>
        Effect.gen(function*() {
          const window = yield* ConversationWindow.ConversationWindow
          const key = ConversationWindow.key("447700900001", "+447700900000")
          assert.isTrue(Option.isNone(yield* window.lastInbound(key)))
          yield* window.record(key, at("2026-03-02T09:00:00Z"))
          yield* window.record(key, at("2026-03-02T08:00:00Z")) // late, older: ignored
          yield* window.record(ConversationWindow.key("+447700900001", "447700900000"), at("2026-03-02T08:30:00Z"))
          assert.deepStrictEqual(yield* window.lastInbound(key), Option.some(at("2026-03-02T09:00:00Z")))
          yield* window.record(key, at("2026-03-03T10:00:00Z"))
          assert.deepStrictEqual(yield* window.lastInbound(key), Option.some(at("2026-03-03T10:00:00Z")))
          // another business number has its own window
          assert.isTrue(Option.isNone(yield* window.lastInbound(ConversationWindow.key("447700900002", "447700900000"))))
        }).pipe(Effect.provide(layer())))

      it.effect("observe records WhatsApp inbound messages only; isOpen follows the Clock", () =>
        Effect.gen(function*() {
          yield* TestClock.setTime(Date.parse("2026-03-02T09:00:00Z"))
          const now = yield* DateTime.now
          yield* ConversationWindow.observe([
            inbound("whatsapp", "447700900000", "447700900001", now),
            inbound("sms.vonage-messages", "447700900005", "447700900001", now),
            new StatusUpdate({ channel: "whatsapp", providerMessageId: "m", state: "read", at: now })
          ])
          const key = { business: "447700900001", customer: "+447700900000" }
          assert.isTrue(yield* ConversationWindow.isOpen(key))
          assert.isFalse(yield* ConversationWindow.isOpen({ business: "447700900001", customer: "447700900005" }))
          yield* TestClock.adjust("24 hours")
          assert.isTrue(yield* ConversationWindow.isOpen(key))
          yield* TestClock.adjust("1 second")
          assert.isFalse(yield* ConversationWindow.isOpen(key))
          assert.isTrue(yield* ConversationWindow.isOpen(key, "48 hours"))
        }).pipe(Effect.provide(layer())))
    })
  }

  it.effect("the SQL migration is idempotent and uses its own migrations table", () =>
    Effect.gen(function*() {
      const first = yield* SqlConversationWindow.migrate
      const second = yield* SqlConversationWindow.migrate
      assert.deepStrictEqual(first.map(([id, name]) => `${id}_${name}`), ["1_create_conversation_windows"])
      assert.deepStrictEqual(second, [])
      const sql = yield* SqlClient.SqlClient
      const tables = yield* sql<{ readonly name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`
      assert.includeMembers(tables.map((t) => t.name), [
        SqlConversationWindow.migrationsTable,
        "switchboard_whatsapp_conversation_windows"
      ])
    }).pipe(Effect.provide(LibsqlClient.layer({ url: `file:${path.join(tempDir, "migrate.db")}` }))))

  it.effect("a second process on the same database file sees the first one's records", () =>
    Effect.gen(function*() {
      const url = `file:${path.join(tempDir, "shared.db")}`
      const key = ConversationWindow.key("447700900001", "447700900000")
      const store = (effect: Effect.Effect<unknown, unknown, ConversationWindow.ConversationWindow>) =>
        effect.pipe(Effect.provide(SqlConversationWindow.layer.pipe(Layer.provide(LibsqlClient.layer({ url })))))
      yield* store(ConversationWindow.record("447700900001", "447700900000", at("2026-03-02T09:00:00Z")))
      const seen = yield* store(Effect.flatMap(ConversationWindow.ConversationWindow, (window) => window.lastInbound(key)))
      assert.deepStrictEqual(seen, Option.some(at("2026-03-02T09:00:00Z")))
    }))
})
