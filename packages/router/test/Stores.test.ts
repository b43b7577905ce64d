import { describe, it } from "@effect/vitest"
import * as LibsqlClient from "@effect/sql-libsql/LibsqlClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll } from "vitest"
import * as MessageLog from "../src/MessageLog.js"
import * as ReceiptIndex from "../src/ReceiptIndex.js"
import * as SqliteClient from "../src/SqliteClient.js"
import { checks } from "./fixtures/storeChecks.js"

// The message log and the receipt index, in memory and in SQLite (libsql); PostgreSQL runs the same checks
// in Postgres.test.ts.

const memory = Layer.merge(MessageLog.layerMemory, ReceiptIndex.layerMemory)

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-stores-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
const sqlite = (name: string) =>
  Layer.merge(MessageLog.layerSql({ prefix: name }), ReceiptIndex.layerSql({ prefix: name })).pipe(
    Layer.provide(LibsqlClient.layer({ url: `file:${path.join(dir, "stores.db")}`, intMode: "bigint" }))
  )

describe("stores in memory", () => {
  for (const check of checks) it.effect(check.name, () => Effect.provide(check.run, memory))
})

describe("stores in SQLite (libsql)", () => {
  checks.forEach((check, i) => it.live(check.name, () => Effect.provide(check.run, sqlite(`check_${i}`))))
})

const sqliteClient = (name: string) =>
  Layer.merge(MessageLog.layerSql({ prefix: name }), ReceiptIndex.layerSql({ prefix: name })).pipe(
    Layer.provide(SqliteClient.layer({ filename: path.join(dir, "stores-client.db") }))
  )

describe("stores in SQLite (SqliteClient)", () => {
  checks.forEach((check, i) => it.live(check.name, () => Effect.provide(check.run, sqliteClient(`check_${i}`))))
})
