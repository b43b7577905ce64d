import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as ChildProcess from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Http from "./support/http.js"

const start = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "scripts", "start.mjs")

interface Running {
  readonly child: ChildProcess.ChildProcess
  readonly baseUrl: string
}

/** Starts the CLI and waits for the base URL on its standard output. */
const launch = (args: ReadonlyArray<string>) =>
  Effect.async<Running, Error>((resume) => {
    const child = ChildProcess.spawn(process.execPath, [start, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    let err = ""
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString()
      const line = out.split("\n").find((l) => l.startsWith("http://"))
      if (line !== undefined) resume(Effect.succeed({ child, baseUrl: line.trim() }))
    })
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString()
    })
    child.on("exit", (code) => resume(Effect.fail(new Error(`exited with ${code} before listening: ${err}`))))
    return Effect.sync(() => child.kill("SIGKILL"))
  })

/** Sends a signal and waits for the exit code. */
const stop = (child: ChildProcess.ChildProcess, signal: NodeJS.Signals) =>
  Effect.async<number | null>((resume) => {
    child.once("exit", (code) => resume(Effect.succeed(code)))
    child.kill(signal)
  })

/** Runs the CLI to completion, collecting its output. */
const run = (args: ReadonlyArray<string>) =>
  Effect.async<{ code: number | null; stdout: string; stderr: string }>((resume) => {
    ChildProcess.execFile(process.execPath, [start, ...args], (error, stdout, stderr) =>
      resume(Effect.succeed({ code: error === null ? 0 : (error.code as number | null), stdout, stderr })))
  })

describe("CLI (pnpm simulator)", () => {
  it.live("starts on 127.0.0.1, prints its base URL, loads the scenario and stops cleanly on SIGTERM", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "simulator-"))
      const scenario = path.join(dir, "scenario.json")
      // With a secret in it: decoded to a `Redacted` once, not twice.
      fs.writeFileSync(scenario, JSON.stringify({
        rules: [{ to: "+4477*", outcome: { type: "reject", code: 7 } }],
        webhooks: { messages: { signatureSecret: "messages-secret" } }
      }))
      const running = yield* launch(["--", "--port", "0", "--scenario", scenario])
      assert.match(running.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
      const health = yield* Http.call(`${running.baseUrl}/_admin/health`)
      assert.deepStrictEqual(health.json, { status: "ok", baseUrl: running.baseUrl })
      const answer = yield* Http.postJson(`${running.baseUrl}/sms/json`, { from: "Acme", to: "447700900000", text: "x" }, {
        authorization: Http.basic("abcd1234", "secret")
      })
      assert.strictEqual(answer.json.messages[0].status, "7")
      assert.strictEqual(yield* stop(running.child, "SIGTERM"), 0)
    }))

  it.live("stops cleanly on SIGINT, even with a request held open by never-answer", () =>
    Effect.gen(function*() {
      const running = yield* launch(["--port", "0"])
      const loaded = yield* Http.call(`${running.baseUrl}/_admin/scenario`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ default: { type: "never-answer" } })
      })
      assert.strictEqual(loaded.status, 204)
      const pending = yield* Effect.fork(Http.postJson(`${running.baseUrl}/v1/messages`, {
        message_type: "text",
        channel: "sms",
        to: "447700900000",
        from: "Acme",
        text: "held"
      }, { authorization: Http.basic("abcd1234", "secret") }))
      while ((yield* Http.call(`${running.baseUrl}/_admin/requests`)).json[0]?.outcome !== "unanswered") {
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 10)))
      }
      assert.strictEqual(yield* stop(running.child, "SIGINT"), 0)
      // The held request ends with the server (an error answer or a closed connection), never hangs.
      const exit = yield* Fiber.await(pending)
      if (exit._tag === "Success") assert.isAtLeast(exit.value.status, 500)
    }))

  it.live("refuses an invalid scenario with a message and exit code 1", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "simulator-"))
      const scenario = path.join(dir, "bad.json")
      fs.writeFileSync(scenario, JSON.stringify({ rules: [{ outcome: { type: "explode" } }] }))
      const result = yield* run(["--port", "0", "--scenario", scenario])
      assert.strictEqual(result.code, 1)
      assert.include(result.stderr, "invalid scenario")
      assert.include(result.stderr, "explode")
      const usage = yield* run(["--port", "nope"])
      assert.strictEqual(usage.code, 1)
      assert.include(usage.stderr, "--port")
    }))
})
