/**
 * The message log, watched: wraps the router's `MessageLog` so that every event appended in this process
 * (1) tells the dashboard's live stream which message changed and (2) feeds the gateway's metrics and spans —
 * attempts, skips, fallbacks, receipts waited for, deadlines, outcomes and their latency. Events appended by
 * other runners (in a cluster) reach the stream through `poll`, which watches the log's newest messages.
 *
 * @example
 * ```ts
 * import { LiveLog } from "@switchboard/sample/LiveLog"
 * import { Effect, Queue } from "effect"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const live = yield* LiveLog.LiveUpdates
 *   const changes = yield* live.subscribe
 *   const messageId = yield* Queue.take(changes) // the id of a message whose timeline grew
 * }))
 * ```
 *
 * @since 0.1.0
 */
import * as MessageLog from "@switchboard/router/MessageLog"
import type * as Route from "@switchboard/router/Route"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as PubSub from "effect/PubSub"
import type * as Queue from "effect/Queue"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Metrics from "./Metrics.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Ids of messages whose timeline changed, as they change. */
  readonly subscribe: Effect.Effect<Queue.Dequeue<string>, never, Scope.Scope>
  /** Announces a change (the decorated log calls it; so does `poll`). */
  readonly publish: (messageId: string) => Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class LiveUpdates extends Context.Tag("@switchboard/sample/LiveLog/LiveUpdates")<LiveUpdates, Service>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const makeLiveUpdates: Effect.Effect<Service> = Effect.map(PubSub.sliding<string>(1024), (pubsub) => ({
  subscribe: PubSub.subscribe(pubsub),
  publish: (messageId) => Effect.asVoid(PubSub.publish(pubsub, messageId))
}))

/**
 * @since 0.1.0
 * @category layers
 */
export const layerLiveUpdates: Layer.Layer<LiveUpdates> = Layer.effect(LiveUpdates, makeLiveUpdates)

interface Waiting {
  readonly since: number
  readonly channel: string
  readonly successOn: Route.SuccessOn
}

/**
 * Wraps a log: appends go to `log`, and each one that was new is published and measured.
 *
 * @since 0.1.0
 * @category constructors
 */
export const decorate = (log: MessageLog.Service, live: Service): MessageLog.Service => {
  const routes = new Map<string, Route.Route>()
  const waiting = new Map<string, Waiting>()

  const routeOf = (messageId: string): Effect.Effect<Option.Option<Route.Route>, MessageLog.MessageLogError> => {
    const known = routes.get(messageId)
    if (known !== undefined) return Effect.succeed(Option.some(known))
    return Effect.map(log.timeline(messageId), (entries) => {
      for (const entry of entries) {
        if (entry.event._tag === "Accepted") {
          routes.set(messageId, entry.event.route)
          return Option.some(entry.event.route)
        }
      }
      return Option.none()
    })
  }

  const stopWaiting = (messageId: string, step: number) =>
    Effect.suspend(() => {
      const key = `${messageId}/${step}`
      const wait = waiting.get(key)
      if (wait === undefined) return Effect.void
      waiting.delete(key)
      return Metrics.observe(Metrics.receiptWait, { channel: wait.channel, awaited: wait.successOn }, Date.now() - wait.since)
    })

  const measure = (messageId: string, event: MessageLog.Event): Effect.Effect<void, MessageLog.MessageLogError> => {
    switch (event._tag) {
      case "Accepted":
        return Effect.sync(() => {
          routes.set(messageId, event.route)
        })
      case "Attempt":
        return Metrics.increment(Metrics.attempts, { channel: event.channel }).pipe(
          Effect.zipRight(Effect.annotateCurrentSpan({ "attempt.channel": event.channel, "attempt.number": event.attempt }))
        )
      case "AttemptFailed":
        return Metrics.increment(Metrics.attemptFailures, { channel: event.channel, error: event.error._tag })
      case "StepSkipped":
        return Metrics.increment(Metrics.skips, { channel: event.channel })
      case "Fallback":
        return Metrics.increment(Metrics.fallbacks, { from: event.fromChannel, to: event.toChannel }).pipe(
          Effect.zipRight(Effect.void.pipe(
            Effect.withSpan("Routing.fallback", {
              attributes: {
                "message.id": messageId,
                "fallback.from": event.fromChannel,
                "fallback.to": event.toChannel,
                "fallback.reason": event.reason
              }
            })
          ))
        )
      case "Receipt":
        return Effect.flatMap(routeOf(messageId), (route) => {
          const step = Option.flatMap(route, (r) => Option.fromNullable(r.steps[event.step - 1]))
          if (Option.isNone(step) || step.value.successOn === "accepted") return Effect.void
          const successOn = step.value.successOn
          waiting.set(`${messageId}/${event.step}`, { since: Date.now(), channel: event.channel, successOn })
          return Metrics.increment(Metrics.receiptsAwaited, { channel: event.channel, awaited: successOn })
        })
      case "Status":
        return Metrics.increment(Metrics.statusReports, { channel: event.update.channel, state: event.update.state }).pipe(
          Effect.zipRight(
            event.step === undefined || event.update.state === "submitted" || event.update.state === "accepted"
              ? Effect.void
              : Effect.flatMap(routeOf(messageId), (route) => {
                const step = Option.flatMap(route, (r) => Option.fromNullable(r.steps[event.step! - 1]))
                const done = Option.isSome(step) &&
                  (event.update.state === "read" || event.update.state === step.value.successOn ||
                    ["rejected", "undeliverable", "expired", "failed"].includes(event.update.state))
                return done ? stopWaiting(messageId, event.step!) : Effect.void
              })
          )
        )
      case "DeadlineExpired":
        return Metrics.increment(Metrics.deadlinesExpired, { channel: event.channel, awaited: event.awaited }).pipe(
          Effect.zipRight(stopWaiting(messageId, event.step))
        )
      case "LateDelivery":
        return Metrics.increment(Metrics.lateDeliveries, { channel: event.channel })
      case "Outcome":
        return Effect.gen(function*() {
          const outcome = event.outcome
          yield* Metrics.increment(Metrics.messagesCompleted, {
            channel: outcome.channel ?? "none",
            outcome: outcome.status
          })
          const summary = yield* log.summary(messageId)
          if (Option.isSome(summary)) {
            const millis = DateTime.distance(summary.value.acceptedAt, outcome.completedAt)
            yield* Metrics.observe(Metrics.messageLatency, { outcome: outcome.status }, Math.max(0, millis))
          }
          routes.delete(messageId)
          for (const key of waiting.keys()) if (key.startsWith(`${messageId}/`)) waiting.delete(key)
        })
    }
  }

  return MessageLog.MessageLog.of({
    ...log,
    append: (messageId, key, event) =>
      Effect.tap(log.append(messageId, key, event), (appended) =>
        appended
          ? Effect.zipRight(
            // metrics must never fail an append: a failed lookup only loses a measurement
            Effect.catchAll(measure(messageId, event), () => Effect.void),
            live.publish(messageId)
          )
          : Effect.void)
  })
}

/**
 * Publishes messages that changed in the log without passing through this process (other runners): watches
 * the newest messages' `updatedAt` every `interval`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const poll = (
  log: MessageLog.Service,
  live: Service,
  interval: Duration.DurationInput = Duration.seconds(2)
): Effect.Effect<never, never> => {
  const seen = new Map<string, number>()
  return log.list(undefined, { limit: 50 }).pipe(
    Effect.flatMap((page) =>
      Effect.forEach(page.items, (summary) => {
        const updated = DateTime.toEpochMillis(summary.updatedAt) + summary.events
        const before = seen.get(summary.messageId)
        seen.set(summary.messageId, updated)
        return before !== undefined && before !== updated ? live.publish(summary.messageId) : Effect.void
      }, { discard: true })
    ),
    Effect.catchAll(() => Effect.void),
    Effect.repeat(Schedule.spaced(interval)),
    Effect.zipRight(Effect.never)
  )
}
