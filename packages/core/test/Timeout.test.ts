import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as Timeout from "../src/Timeout.js"

describe("Timeout.timeoutFail", () => {
  it.live("on the live clock: an answer in time is returned, a late one fails with the timeout error and is interrupted", () =>
    Effect.gen(function*() {
      const fast = yield* Timeout.timeoutFail(Effect.succeed(1), Duration.seconds(5), () => "late")
      assert.strictEqual(fast, 1)
      let interrupted = false
      const slow = yield* Effect.exit(Timeout.timeoutFail(
        Effect.onInterrupt(Effect.never, () => Effect.sync(() => { interrupted = true })),
        Duration.millis(20),
        () => "late"
      ))
      assert.deepStrictEqual(slow, Exit.fail("late"))
      // the late effect is interrupted in the background, not waited for
      for (let i = 0; i < 100 && !interrupted; i++) yield* Effect.sleep("10 millis")
      assert.isTrue(interrupted)
      const failed = yield* Effect.exit(Timeout.timeoutFail(Effect.fail("boom"), Duration.seconds(5), () => "late"))
      assert.deepStrictEqual(failed, Exit.fail("boom"))
    }))

  it.effect("under TestClock it waits for the clock to be moved", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(Timeout.timeoutFail(Effect.never, Duration.seconds(30), () => "late"))
      yield* TestClock.adjust(Duration.seconds(29))
      assert.isUndefined(fiber.unsafePoll() ?? undefined)
      yield* TestClock.adjust(Duration.seconds(1))
      assert.deepStrictEqual(yield* Fiber.await(fiber), Exit.fail("late"))
    }))
})
