/**
 * Errors of the simulator's own operations (loading a scenario, injecting inbound traffic, starting the
 * server). The simulated APIs never fail with these: they answer with the real APIs' error responses.
 *
 * @example
 * ```ts
 * import { Scenario, SimulatorError } from "@switchboard/simulator"
 * import { Effect } from "effect"
 *
 * const program = Scenario.decode({ rules: [{ outcome: { type: "explode" } }] }).pipe(
 *   Effect.catchTag("ScenarioError", (error: SimulatorError.ScenarioError) => Effect.succeed(error.message))
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * A scenario that does not validate (the message says where and why).
 *
 * @since 0.1.0
 * @category errors
 */
export class ScenarioError extends Schema.TaggedError<ScenarioError>("@switchboard/simulator/ScenarioError")(
  "ScenarioError",
  { message: Schema.String }
) {}

/**
 * An inbound injection that cannot be carried out: a malformed request, or no inbound URL configured for
 * the API.
 *
 * @since 0.1.0
 * @category errors
 */
export class InboundError extends Schema.TaggedError<InboundError>("@switchboard/simulator/InboundError")(
  "InboundError",
  { message: Schema.String }
) {}

/**
 * The server could not start (for example, the port is taken).
 *
 * @since 0.1.0
 * @category errors
 */
export class StartError extends Schema.TaggedError<StartError>("@switchboard/simulator/StartError")(
  "StartError",
  { message: Schema.String }
) {}
