/**
 * `pnpm demo`: the scripted tour of every fallback path on the embedded simulator (see `Demo`). Exits 0 when
 * every path ended as expected.
 *
 * @since 0.1.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Demo from "../Demo.js"

Demo.run.pipe(
  Effect.flatMap((ok) => Effect.sync(() => (process.exitCode = ok ? 0 : 1))),
  Effect.catchAll((error) =>
    Effect.sync(() => {
      process.stderr.write(`switchboard demo failed: ${error instanceof Error ? error.message : JSON.stringify(error)}\n`)
      process.exitCode = 1
    })
  ),
  Effect.provide(NodeHttpClient.layerUndici),
  Logger.withMinimumLogLevel(LogLevel.Warning),
  (effect) =>
    NodeRuntime.runMain(effect, {
      disableErrorReporting: true,
      teardown: (exit, onExit) => onExit(exit._tag === "Success" ? (process.exitCode as number | undefined) ?? 0 : 1)
    })
)
