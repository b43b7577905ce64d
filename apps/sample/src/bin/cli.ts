/**
 * `pnpm switchboard …`: the command line (see `Cli`).
 *
 * @since 0.1.0
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Cli from "../Cli.js"

// `pnpm switchboard -- send …` passes the separator through
const argv = process.argv.filter((arg, index) => index < 2 || arg !== "--")

Cli.run(argv).pipe(
  Effect.catchAll((error) =>
    Effect.sync(() => {
      if (error instanceof Cli.CliError) process.stderr.write(`switchboard: ${error.message}\n`)
      process.exitCode = 1
    })
  ),
  Effect.provide(Layer.merge(NodeContext.layer, NodeHttpClient.layerUndici)),
  (effect) => NodeRuntime.runMain(effect, { disableErrorReporting: true })
)
