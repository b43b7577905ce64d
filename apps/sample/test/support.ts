// Starts the whole gateway in this process — HTTP server, embedded simulator, SQLite in a temporary folder —
// configured from a map, never from the environment of the machine running the tests.
import * as Server from "../src/Server.js"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

export const signingSecret = "test-signing-secret"

export class Gateway extends Context.Tag("test/Gateway")<Gateway, Server.Info>() {}

export const layer = (extra: Record<string, string> = {}): Layer.Layer<Gateway, Server.StartError> =>
  Layer.scoped(
    Gateway,
    Effect.gen(function*() {
      const dataDir = yield* Effect.acquireRelease(
        Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-test-"))),
        (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
      )
      const config = new Map(Object.entries({
        PORT: "0",
        SWITCHBOARD_DATA_DIR: dataDir,
        SWITCHBOARD_SIMULATOR_SECRET: signingSecret,
        ...extra
      }))
      // the gateway gets its own scope, closed in the background: a test file must end even if a shutdown lingers
      const scope = yield* Effect.acquireRelease(Scope.make(), (scope, exit) =>
        Effect.asVoid(Effect.forkDaemon(Scope.close(scope, exit))))
      const built = yield* Layer.buildWithScope(Server.layer, scope).pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(config))
      )
      return Context.get(built, Server.Running)
    })
  )

export interface Answer {
  readonly status: number
  readonly body: any
  readonly text: string
  readonly headers: Headers
}

export const call = (base: string, route: string, init?: RequestInit): Effect.Effect<Answer> =>
  Effect.promise(async () => {
    const response = await fetch(`${base}${route}`, init)
    const text = await response.text()
    let body: unknown = undefined
    try {
      body = JSON.parse(text)
    } catch {
      body = undefined
    }
    return { status: response.status, body, text, headers: response.headers }
  })

export const postJson = (base: string, route: string, body: unknown, headers: Record<string, string> = {}) =>
  call(base, route, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) })

// Waits for a message's routing to end: polls GET /messages/:id (bounded: a failed test, never a hung one).
export const awaitOutcome = (base: string, id: string) =>
  Effect.gen(function*() {
    for (let i = 0; i < 600; i++) {
      const answer = yield* call(base, `/messages/${id}`)
      if (answer.status === 200 && answer.body.status !== "pending") return answer.body
      yield* Effect.sleep("200 millis")
    }
    return yield* Effect.dieMessage(`message ${id} had no outcome after 120 s`)
  })

export const kinds = (view: { readonly timeline: ReadonlyArray<{ readonly kind: string }> }) =>
  view.timeline.map((entry) => entry.kind)
