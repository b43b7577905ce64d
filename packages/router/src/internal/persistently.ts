import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"

/**
 * Storage writes the router depends on retry until they succeed: a message must not end without its events,
 * nor a workflow lose a step, because a database was briefly unavailable.
 *
 * @internal
 */
export const persistently = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, never, R> =>
  effect.pipe(
    Effect.tapError(warn),
    Effect.retry(schedule),
    Effect.orDie
  )

const warn = (error: unknown) => Effect.logWarning("router storage failed; retrying", error)

const schedule = Schedule.exponential("50 millis", 2).pipe(Schedule.union(Schedule.spaced("10 seconds")))
