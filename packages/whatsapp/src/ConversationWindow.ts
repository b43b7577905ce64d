/**
 * WhatsApp's customer care window: for 24 hours after a customer's last message to a business, the business
 * may send them anything; outside it, only an approved template (a Message Template Message). The
 * `ConversationWindow` service remembers when each customer last wrote to each business number; the WhatsApp
 * channel asks it before sending anything that is not a template.
 *
 * Feed it the inbound messages your webhooks receive (`observe` takes the events `VonageMessagesWebhook.parse`
 * returns and records the WhatsApp ones). Two implementations: `layerMemory` here, and a SQL one in
 * `SqlConversationWindow` for several processes or restarts. Numbers are keyed without `+`, so `+447700900000`
 * and `447700900000` are the same customer.
 *
 * @example
 * ```ts
 * import { ConversationWindow } from "@switchboard/whatsapp"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   // in the inbound webhook handler
 *   // yield* ConversationWindow.observe(events)
 *   return yield* ConversationWindow.isOpen({ business: "447700900001", customer: "+447700900000" })
 * }).pipe(Effect.provide(ConversationWindow.layerMemory))
 * ```
 *
 * @since 0.1.0
 */
import type { Event } from "@switchboard/core/Webhook"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/**
 * The window WhatsApp gives: 24 hours.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultWindow: Duration.Duration = Duration.hours(24)

/**
 * The conversation store could not be read or written.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConversationWindowError extends Schema.TaggedError<ConversationWindowError>(
  "@switchboard/whatsapp/ConversationWindow/ConversationWindowError"
)("ConversationWindowError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/**
 * A business number and a customer number.
 *
 * @since 0.1.0
 * @category models
 */
export interface Key {
  /** The WhatsApp business number (the sender). */
  readonly business: string
  /** The customer's number. */
  readonly customer: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Records a message from the customer to the business at `at`; an older one than already known is ignored. */
  readonly record: (key: Key, at: DateTime.Utc) => Effect.Effect<void, ConversationWindowError>
  /** When the customer last wrote to the business, if ever. */
  readonly lastInbound: (key: Key) => Effect.Effect<Option.Option<DateTime.Utc>, ConversationWindowError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ConversationWindow extends Context.Tag("@switchboard/whatsapp/ConversationWindow")<
  ConversationWindow,
  Service
>() {}

/**
 * A number as the window keys it: digits only, without `+`, spaces or a `00` prefix.
 *
 * @since 0.1.0
 * @category keys
 */
export const normalize = (number: string): string => {
  const trimmed = number.trim().replace(/[\s().-]/g, "")
  return trimmed.startsWith("+") ? trimmed.slice(1) : trimmed.startsWith("00") ? trimmed.slice(2) : trimmed
}

/**
 * A key with both numbers normalized.
 *
 * @since 0.1.0
 * @category keys
 */
export const key = (business: string, customer: string): Key => ({
  business: normalize(business),
  customer: normalize(customer)
})

/**
 * An in-memory window store: for one process, and tests.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory: Effect.Effect<Service> = Effect.sync(() => {
  const last = new Map<string, DateTime.Utc>()
  const id = (k: Key) => {
    const normalized = key(k.business, k.customer)
    return `${normalized.business}\u0000${normalized.customer}`
  }
  return {
    record: (k, at) =>
      Effect.sync(() => {
        const previous = last.get(id(k))
        if (previous === undefined || DateTime.lessThan(previous, at)) last.set(id(k), at)
      }),
    lastInbound: (k) => Effect.sync(() => Option.fromNullable(last.get(id(k))))
  }
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<ConversationWindow> = Layer.effect(ConversationWindow, makeMemory)

/**
 * Records a message from `customer` to `business`.
 *
 * @since 0.1.0
 * @category accessors
 */
export const record = (
  business: string,
  customer: string,
  at: DateTime.Utc
): Effect.Effect<void, ConversationWindowError, ConversationWindow> =>
  Effect.flatMap(ConversationWindow, (window) => window.record(key(business, customer), at))

/**
 * Records every WhatsApp `InboundMessage` among webhook events (other events are ignored). Call it from the
 * inbound webhook handler.
 *
 * @since 0.1.0
 * @category accessors
 */
export const observe = (
  events: Iterable<Event>,
  options?: { readonly channel?: string | undefined }
): Effect.Effect<void, ConversationWindowError, ConversationWindow> => {
  const channel = options?.channel ?? "whatsapp"
  return Effect.flatMap(ConversationWindow, (window) =>
    Effect.forEach(
      events,
      (event) =>
        event._tag === "InboundMessage" && event.channel === channel
          ? window.record(key(event.to, event.from), event.receivedAt)
          : Effect.void,
      { discard: true }
    ))
}

/**
 * Whether the window between `business` and `customer` is open now (by the `Clock`): the customer wrote
 * within `window` (24 hours by default).
 *
 * @since 0.1.0
 * @category accessors
 */
export const isOpen = (
  k: Key,
  window: Duration.DurationInput = defaultWindow
): Effect.Effect<boolean, ConversationWindowError, ConversationWindow> =>
  Effect.gen(function*() {
    const service = yield* ConversationWindow
    const last = yield* service.lastInbound(key(k.business, k.customer))
    if (Option.isNone(last)) return false
    const now = yield* Clock.currentTimeMillis
    return now - DateTime.toEpochMillis(last.value) <= Duration.toMillis(window)
  }).pipe(Effect.withSpan("ConversationWindow.isOpen"))
