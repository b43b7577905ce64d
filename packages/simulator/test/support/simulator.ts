/**
 * The shared simulator of a test file, reset and loaded with a scenario for each test.
 */
import { Simulator } from "@switchboard/simulator"
import * as Effect from "effect/Effect"

export const setup = (scenario: unknown = {}) =>
  Effect.gen(function*() {
    const simulator = yield* Simulator.Simulator
    yield* simulator.reset
    yield* simulator.loadScenario(scenario)
    return simulator
  })
