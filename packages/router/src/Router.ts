/**
 * The router: submit a message with a route, and it walks the route's steps — skipping channels that cannot
 * reach the recipient or carry the content, retrying retryable errors with backoff, waiting for delivery or
 * read receipts until a deadline, and falling back to the next step — until one succeeds or all have failed.
 *
 * Routing runs as an `@effect/workflow` workflow: every send is an activity (recorded once it returns, so a
 * send that got a receipt is never repeated after a crash), receipts are awaited with a durable deferred
 * that `onEvent` resolves from provider webhooks, and deadlines and retry backoff are durable clocks. Which
 * engine runs it — in memory, SQLite on one node, or a cluster of runners on PostgreSQL — is a matter of
 * layers (see `Engine`).
 *
 * Intake is idempotent: a message id names one routing. Submitting the same id again sends nothing and
 * `awaitOutcome` returns the first submission's outcome.
 *
 * @example
 * ```ts
 * import type { Channel, Message } from "@switchboard/core"
 * import { Engine, Route, Router } from "@switchboard/router"
 * import { Effect, Layer } from "effect"
 *
 * declare const whatsapp: Channel.Channel
 * declare const sms: Channel.Channel
 * declare const message: Message.Message
 *
 * const route = Route.make([
 *   { channel: "whatsapp", successOn: "read", within: "2 minutes" },
 *   { channel: "sms.vonage", attempts: 3, successOn: "delivered", within: "10 minutes" }
 * ])
 *
 * const program = Effect.gen(function*() {
 *   const router = yield* Router.Router
 *   const id = yield* router.submit(message, route)
 *   // ... provider webhooks call router.onEvent(event) ...
 *   const outcome = yield* router.awaitOutcome(id)
 *   return [outcome.status, outcome.channel]
 * })
 *
 * const RouterLive = Router.layer({ channels: [whatsapp, sms] }).pipe(
 *   Layer.provideMerge(Engine.layerSqlite({ filename: "switchboard.db" }))
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as DurableDeferred from "@effect/workflow/DurableDeferred"
import { WorkflowEngine } from "@effect/workflow/WorkflowEngine"
import type * as Capabilities from "@switchboard/core/Capabilities"
import type * as Channel from "@switchboard/core/Channel"
import type * as Message from "@switchboard/core/Message"
import type * as Webhook from "@switchboard/core/Webhook"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { decide } from "./internal/decide.js"
import * as Routing from "./internal/routing.js"
import { MemoryEngine } from "./internal/wakeup.js"
import * as MessageLog from "./MessageLog.js"
import type * as Outcome from "./Outcome.js"
import * as ReceiptIndex from "./ReceiptIndex.js"
import * as Route from "./Route.js"

/**
 * `awaitOutcome` was asked about a message the router has never been given.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownMessage extends Schema.TaggedError<UnknownMessage>("@switchboard/router/Router/UnknownMessage")(
  "UnknownMessage",
  { messageId: Schema.String, message: Schema.String }
) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The channels the router was given, by id. */
  readonly channels: ReadonlyMap<string, Channel.Channel>
  /** Checks a route against the router's channels (see `Route.validate`). */
  readonly validate: (route: Route.Route) => Effect.Effect<Route.Route, Route.RouteError>
  /**
   * Validates the route, records the message as accepted and starts routing it. Returns once routing is
   * durably started (with a durable engine, it survives a crash from then on). Idempotent by message id.
   */
  readonly submit: (
    message: Message.Message,
    route: Route.Route
  ) => Effect.Effect<Message.MessageId, Route.RouteError | MessageLog.MessageLogError>
  /** Waits until routing of a submitted message ends. */
  readonly awaitOutcome: (
    messageId: string
  ) => Effect.Effect<Outcome.Outcome, UnknownMessage | MessageLog.MessageLogError>
  /** `submit`, then `awaitOutcome`. */
  readonly send: (
    message: Message.Message,
    route: Route.Route
  ) => Effect.Effect<Outcome.Outcome, Route.RouteError | MessageLog.MessageLogError | UnknownMessage>
  /** The outcome, once routing has ended. */
  readonly outcome: (messageId: string) => Effect.Effect<Option.Option<Outcome.Outcome>, MessageLog.MessageLogError>
  /**
   * Feeds a webhook event to the router. Status updates are matched to the message and step they belong to
   * by provider message id, recorded in the log, and wake the routing that waits for them; a success for a
   * step routing has already left is recorded as a late delivery. Inbound messages are not the router's
   * business and are ignored. Safe to call with duplicates and out of order.
   */
  readonly onEvent: (
    event: Webhook.Event
  ) => Effect.Effect<void, ReceiptIndex.ReceiptIndexError | MessageLog.MessageLogError>
  /** `onEvent` for each event, in order: the handler to give a webhook parser. */
  readonly onEvents: (
    events: ReadonlyArray<Webhook.Event>
  ) => Effect.Effect<void, ReceiptIndex.ReceiptIndexError | MessageLog.MessageLogError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Router extends Context.Tag("@switchboard/router/Router")<Router, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The channels routes may name, by their `id`. */
  readonly channels: Iterable<Channel.Channel>
}

/**
 * Builds the router on the engine and stores in context, and registers its workflow with the engine.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options
): Effect.Effect<Service, never, WorkflowEngine | MessageLog.MessageLog | ReceiptIndex.ReceiptIndex | Scope.Scope> =>
  Effect.gen(function*() {
    const engine = yield* WorkflowEngine
    const log = yield* MessageLog.MessageLog
    const index = yield* ReceiptIndex.ReceiptIndex
    const channels = new Map<string, Channel.Channel>()
    for (const channel of options.channels) {
      if (channels.has(channel.id)) {
        return yield* Effect.dieMessage(`two channels have the id "${channel.id}"; channel ids must be unique`)
      }
      channels.set(channel.id, channel)
    }
    const capabilities: ReadonlyArray<Capabilities.Capabilities> = [...channels.values()].map((c) => c.capabilities)

    const scope = yield* Effect.scope
    const appended = new Routing.Appended(100_000)
    yield* Routing.RouteWorkflow.toLayer(Routing.run({ channels, log, index, appended })).pipe(
      Layer.buildWithScope(scope)
    )
    const inMemory = Option.isSome(yield* Effect.serviceOption(MemoryEngine))

    // See `MemoryEngine`: once the execution's fiber has stopped, resume it if it is (still) suspended.
    const wakeUp = (executionId: string) =>
      Effect.gen(function*() {
        for (let turn = 0;; turn++) {
          const result = yield* Routing.RouteWorkflow.poll(executionId)
          if (result === undefined) {
            yield* turn < 100 ? Effect.yieldNow() : Effect.sleep("5 millis")
            continue
          }
          if (result._tag === "Suspended") yield* Routing.RouteWorkflow.resume(executionId)
          return
        }
      }).pipe(Effect.provideService(WorkflowEngine, engine), Effect.forkIn(scope), Effect.asVoid)

    const validate = (route: Route.Route) => Route.validate(route, capabilities)

    const submit = (message: Message.Message, route: Route.Route) =>
      Effect.gen(function*() {
        yield* validate(route)
        yield* log.append(
          message.id,
          "accepted",
          new MessageLog.Accepted({
            route,
            content: message.content._tag,
            ...(message.clientReference === undefined ? {} : { clientReference: message.clientReference })
          }, true)
        )
        appended.add(message.id, "accepted")
        yield* Routing.RouteWorkflow.execute({ message, route }, { discard: true }).pipe(
          Effect.provideService(WorkflowEngine, engine)
        )
        return message.id
      }).pipe(Effect.withSpan("Router.submit", { attributes: { "message.id": message.id } }))

    const awaitOutcome = (messageId: string) =>
      Effect.gen(function*() {
        if (Option.isNone(yield* log.summary(messageId))) {
          return yield* new UnknownMessage({ messageId, message: `no message "${messageId}" was submitted` })
        }
        return yield* log.awaitOutcome(messageId)
      }).pipe(Effect.withSpan("Router.awaitOutcome", { attributes: { "message.id": messageId } }))

    const onEvent = (event: Webhook.Event) =>
      Effect.gen(function*() {
        if (event._tag !== "StatusUpdate") return
        const recorded = yield* index.record(event)
        const key = `status/${ReceiptIndex.updateKey(event)}`
        if (Option.isNone(recorded.step)) {
          // Not (yet) a send the router tracks; when the provider echoes our message id, log it there.
          if (event.messageId !== undefined) {
            yield* log.append(event.messageId, key, new MessageLog.Status({ update: event }, true))
          }
          return
        }
        const step = recorded.step.value
        yield* log.append(step.messageId, key, new MessageLog.Status({ step: step.step, update: event }, true))
        if (step.successOn === "accepted") return
        const decision = decide(step.providerMessageIds, recorded.updates, step.successOn)
        if (Option.isNone(decision)) return
        if (step.abandoned) {
          if (decision.value.result === "success") {
            yield* log.append(
              step.messageId,
              `late/${step.step}`,
              new MessageLog.LateDelivery({
                step: step.step,
                channel: step.channel,
                state: decision.value.status.state,
                reportedAt: decision.value.status.at
              }, true)
            )
          }
          return
        }
        const deferred = Routing.receiptDeferred(step.step)
        yield* DurableDeferred.done(deferred, {
          token: DurableDeferred.tokenFromExecutionId(deferred, {
            workflow: Routing.RouteWorkflow,
            executionId: step.executionId
          }),
          exit: Exit.succeed(decision.value)
        }).pipe(Effect.provideService(WorkflowEngine, engine))
        if (inMemory) yield* wakeUp(step.executionId)
      }).pipe(Effect.withSpan("Router.onEvent", { attributes: { "event.tag": event._tag } }))

    return Router.of({
      channels,
      validate,
      submit,
      awaitOutcome,
      send: (message, route) => Effect.flatMap(submit(message, route), awaitOutcome),
      outcome: (messageId) => log.outcome(messageId),
      onEvent,
      onEvents: (events) => Effect.forEach(events, onEvent, { discard: true })
    })
  })

/**
 * The router, on the engine (`WorkflowEngine`) and stores (`MessageLog`, `ReceiptIndex`) an `Engine` layer
 * provides.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options
): Layer.Layer<Router, never, WorkflowEngine | MessageLog.MessageLog | ReceiptIndex.ReceiptIndex> =>
  Layer.scoped(Router, make(options))
