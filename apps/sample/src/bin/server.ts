/**
 * `pnpm start`: runs the gateway until interrupted and says where to open the dashboard.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Server from "../Server.js"

const main = Effect.gen(function*() {
  const info = yield* Server.Running
  yield* Effect.sync(() => process.stdout.write(`\n${Server.banner(info)}\n\n`))
  return yield* Effect.never
}).pipe(
  Effect.provide(Server.layer),
  Effect.catchTag("StartError", (error) =>
    Effect.sync(() => {
      process.stderr.write(`switchboard: cannot start: ${error.message}\n`)
      process.exitCode = 1
    }))
)

NodeRuntime.runMain(main as Effect.Effect<void>, { disablePrettyLogger: false })
