/**
 * Timeouts for provider requests. `timeoutFail` is `Effect.timeoutFail` at half the cost on the live clock (one
 * fiber per request instead of two), which matters on a send path that runs thousands of times a second; under
 * `TestClock` it is `Effect.timeoutFail` itself, so tests move time with `TestClock.adjust`.
 *
 * @example
 * ```ts
 * import { Timeout } from "@switchboard/core"
 * import { Duration, Effect } from "effect"
 *
 * const answer = Timeout.timeoutFail(Effect.never, Duration.seconds(30), () => new Error("no answer in 30 s"))
 * ```
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"

// the clock of the default services: its `sleep` is `setTimeout`
const liveClock = Effect.runSync(Effect.clock)

/**
 * `Effect.timeoutFail` with one fiber instead of two under the live clock: `self` runs in a child fiber and a
 * timer fails the wait (and interrupts the child) when it fires. Under any other clock (`TestClock`) it is
 * `Effect.timeoutFail`, so tests drive it with `TestClock.adjust`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const timeoutFail = <A, E, R, E1>(
  self: Effect.Effect<A, E, R>,
  duration: Duration.Duration,
  onTimeout: () => E1
): Effect.Effect<A, E | E1, R> => {
  const millis = Duration.toMillis(duration)
  const slow = Effect.timeoutFail(self, { duration, onTimeout })
  if (!Number.isFinite(millis) || millis > 2 ** 31 - 1) return slow
  return Effect.clockWith((clock) =>
    clock !== liveClock ? slow : Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(Effect.fork(restore(self)), (fiber) =>
        restore(Effect.async<A, E | E1>((resume) => {
          let done = false
          const timer = setTimeout(() => {
            if (done) return
            done = true
            fiber.removeObserver(observer)
            resume(Effect.zipRight(Fiber.interruptAsFork(fiber, fiber.id()), Effect.fail(onTimeout())))
          }, millis)
          const observer = (exit: Exit.Exit<A, E>) => {
            if (done) return
            done = true
            clearTimeout(timer)
            resume(exit)
          }
          fiber.addObserver(observer)
          return Effect.suspend(() => {
            done = true
            clearTimeout(timer)
            fiber.removeObserver(observer)
            return Fiber.interrupt(fiber)
          })
        }))
      ))
  )
}
