#!/usr/bin/env node
/**
 * The standalone simulator:
 *
 * ```sh
 * switchboard-simulator [--port 4010] [--host 127.0.0.1] [--scenario scenario.json]
 * ```
 *
 * Prints the base URL on standard output once it listens, and stops cleanly on SIGINT and SIGTERM.
 *
 * @example
 * ```sh
 * switchboard-simulator --port 0 --scenario scenario.json
 * # http://127.0.0.1:39417
 * curl -s http://127.0.0.1:39417/_admin/health
 * ```
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import { parseArgs } from "node:util"
import * as Scenario from "./Scenario.js"
import * as Simulator from "./Simulator.js"
import { ScenarioError, StartError } from "./SimulatorError.js"

const usage = "usage: switchboard-simulator [--port 4010] [--host 127.0.0.1] [--scenario scenario.json]\n"

const main = Effect.gen(function*() {
  const { values } = yield* Effect.try({
    try: () =>
      parseArgs({
        // `pnpm <script> -- --port 4010` may pass the separator through.
        args: process.argv.slice(2).filter((arg) => arg !== "--"),
        options: {
          port: { type: "string", short: "p" },
          host: { type: "string" },
          scenario: { type: "string", short: "s" },
          help: { type: "boolean", short: "h" }
        }
      }),
    catch: (error) => new StartError({ message: `${error instanceof Error ? error.message : String(error)}\n${usage}` })
  })
  if (values.help === true) {
    process.stdout.write(usage)
    return
  }
  const port = values.port === undefined ? 4010 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    return yield* Effect.fail(new StartError({ message: `--port must be a port number, not ${values.port}` }))
  }
  const file = values.scenario
  // Validated here for the error message, handed to the simulator in its JSON form (which it decodes).
  const scenario: unknown = file === undefined ? Scenario.empty : yield* Effect.try({
    try: () => fs.readFileSync(file, "utf8"),
    catch: (error) =>
      new ScenarioError({
        message: `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`
      })
  }).pipe(
    Effect.flatMap((text) => Effect.map(Scenario.decodeJson(text), () => JSON.parse(text) as unknown)),
    Effect.mapError((error) => new ScenarioError({ message: `${file}: ${error.message}` }))
  )
  yield* Effect.gen(function*() {
    const simulator = yield* Simulator.Simulator
    process.stdout.write(`${simulator.baseUrl}\n`)
    return yield* Effect.never
  }).pipe(
    Effect.provide(Simulator.layer({ port, scenario, ...(values.host === undefined ? {} : { host: values.host }) }))
  )
})

main.pipe(
  Effect.catchTags({
    ScenarioError: (error) => Effect.sync(() => {
      process.stderr.write(`switchboard-simulator: invalid scenario: ${error.message}\n`)
      process.exitCode = 1
    }),
    StartError: (error) => Effect.sync(() => {
      process.stderr.write(`switchboard-simulator: ${error.message}\n`)
      process.exitCode = 1
    })
  }),
  NodeRuntime.runMain({ disableErrorReporting: false, disablePrettyLogger: true })
)
