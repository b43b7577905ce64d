/**
 * The contract every channel implements, and `make`, which adds what every channel needs once.
 *
 * A provider implements the smallest thing: its capabilities, and `send` for a message whose content it has
 * already been promised it can carry, to an address it has already been promised exists. `Channel.make`
 * wraps that with:
 * - validation against the capabilities (content kind, text limit) and address resolution, before any I/O
 *   (`UnsupportedContent`, `InvalidMessage`, `Unaddressable`);
 * - an optional retry policy for retryable errors only, with exponential backoff that honours a provider's
 *   retry-after;
 * - a tracing span `Channel.send` and metrics (`switchboard_channel_sends_total` by channel and outcome,
 *   `switchboard_channel_send_duration_ms`);
 * - normalization: a defect in the provider's code becomes `ProviderUnavailable`, never an untyped crash.
 *
 * @example
 * ```ts
 * import { Capabilities, Channel, Receipt } from "@switchboard/core"
 * import { DateTime, Effect } from "effect"
 *
 * const capabilities = Capabilities.make({
 *   channel: "sms.acme",
 *   outbound: ["Text"],
 *   inbound: [],
 *   address: "phone",
 *   receipts: ["delivered"],
 *   maxTextLength: 918
 * })
 *
 * const AcmeSms = Channel.make({
 *   capabilities,
 *   send: (message, to) =>
 *     Effect.gen(function*() {
 *       const acceptedAt = yield* DateTime.now
 *       // ... call Acme's API for `to` here ...
 *       return new Receipt.Receipt({
 *         channel: "sms.acme",
 *         messageId: message.id,
 *         providerMessageIds: [`acme-${message.id}`],
 *         parts: 1,
 *         acceptedAt
 *       })
 *     })
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import * as Capabilities from "./Capabilities.js"
import { type ChannelError, isChannelError, ProviderUnavailable, Unaddressable } from "./ChannelError.js"
import type { Message } from "./Message.js"
import type { Receipt } from "./Receipt.js"
import * as Recipient from "./Recipient.js"

/**
 * A channel, ready to send.
 *
 * @since 0.1.0
 * @category models
 */
export interface Channel {
  /** The channel's id, as in its capabilities (`sms.vonage`, `whatsapp`, …). */
  readonly id: string
  readonly capabilities: Capabilities.Capabilities
  /** Validates and sends one message; fails with a `ChannelError`, never with anything else. */
  readonly send: (message: Message) => Effect.Effect<Receipt, ChannelError>
  /**
   * Checks a message against the channel without sending it: content, limits and address. The router uses
   * it to skip steps that cannot work.
   */
  readonly validate: (message: Message) => Effect.Effect<string, ChannelError>
}

/**
 * What a provider implements.
 *
 * @since 0.1.0
 * @category models
 */
export interface Provider<R = never> {
  readonly capabilities: Capabilities.Capabilities
  /**
   * Sends a message whose content passed `Capabilities.check`, to the address (`to`) resolved from the
   * recipient for `capabilities.address`.
   */
  readonly send: (message: Message, to: string) => Effect.Effect<Receipt, ChannelError, R>
  /**
   * Provider-specific validation before any I/O (a sender length, a number range, a conversation window).
   * Receives the resolved address.
   */
  readonly validate?: ((message: Message, to: string) => Effect.Effect<void, ChannelError, R>) | undefined
}

/**
 * Retries for retryable errors (`RateLimited`, `ProviderUnavailable`): `attempts` in all (1 = no retry),
 * exponential backoff from `initialDelay` by `factor`, capped at `maxDelay`; a `RateLimited` error's
 * `retryAfterMillis` is waited at least.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryPolicy {
  readonly attempts: number
  readonly initialDelay: Duration.DurationInput
  readonly factor?: number | undefined
  readonly maxDelay?: Duration.DurationInput | undefined
}

/**
 * The delay before retry number `retry` (1-based) after `error`.
 *
 * @since 0.1.0
 * @category retries
 */
export const retryDelay = (policy: RetryPolicy, retry: number, error: ChannelError): Duration.Duration => {
  const base = Duration.toMillis(policy.initialDelay) * Math.pow(policy.factor ?? 2, retry - 1)
  const capped = policy.maxDelay === undefined ? base : Math.min(base, Duration.toMillis(policy.maxDelay))
  const hinted = error._tag === "RateLimited" && error.retryAfterMillis !== undefined ? error.retryAfterMillis : 0
  return Duration.millis(Math.max(capped, hinted))
}

/**
 * Runs `effect`, retrying retryable channel errors according to `policy`.
 *
 * @since 0.1.0
 * @category retries
 */
export const withRetry = <A, R>(
  effect: Effect.Effect<A, ChannelError, R>,
  policy: RetryPolicy
): Effect.Effect<A, ChannelError, R> => {
  const loop = (attempt: number): Effect.Effect<A, ChannelError, R> =>
    Effect.catchIf(
      effect,
      (error) => error.retryable && attempt < policy.attempts,
      (error) =>
        Effect.zipRight(
          Effect.annotateCurrentSpan("retry", attempt),
          Effect.delay(Effect.suspend(() => loop(attempt + 1)), retryDelay(policy, attempt, error))
        )
    )
  return loop(1)
}

const sends = Metric.counter("switchboard_channel_sends_total", {
  description: "Messages handed to a channel, by channel and outcome (accepted or the error reason)",
  incremental: true
})

const sendDuration = Metric.histogram(
  "switchboard_channel_send_duration_ms",
  MetricBoundaries.exponential({ start: 5, factor: 2, count: 12 }),
  "Time from handing a message to a channel to its acceptance or failure, in milliseconds"
)

/**
 * Resolves the address the channel needs from the message's recipient.
 *
 * @since 0.1.0
 * @category validation
 */
export const resolveAddress = (
  capabilities: Capabilities.Capabilities,
  message: Message
): Effect.Effect<string, Unaddressable> =>
  Option.match(Recipient.address(message.recipient, capabilities.address), {
    onNone: () =>
      Effect.fail(
        new Unaddressable({
          channel: capabilities.channel,
          address: capabilities.address,
          message: `${capabilities.channel} needs a ${capabilities.address} address and the recipient has none`
        })
      ),
    onSome: Effect.succeed
  })

/**
 * Turns a provider into a channel (see the module's description).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <R = never>(
  provider: Provider<R>,
  options?: { readonly retry?: RetryPolicy | undefined }
): Effect.Effect<Channel, never, R> =>
  Effect.map(Effect.context<R>(), (context) => {
    const { capabilities } = provider
    const id = capabilities.channel

    // the services the provider's effects need, as they were when the channel was made; not the span that
    // was current then, so the provider's spans are children of each send's own
    const services = Context.omit(Tracer.ParentSpan)(context) as Context.Context<R>
    const provided = <A>(effect: Effect.Effect<A, ChannelError, R>): Effect.Effect<A, ChannelError> =>
      Effect.provide(effect, services)

    // a defect in the provider's code (its send or its own validation, including an exception thrown
    // before it returns an effect) becomes a typed error
    const normalize = <A>(effect: () => Effect.Effect<A, ChannelError, R>): Effect.Effect<A, ChannelError, R> =>
      Effect.catchAllDefect(Effect.suspend(effect), (defect) =>
        isChannelError(defect)
          ? Effect.fail(defect)
          : Effect.fail(
            new ProviderUnavailable({
              channel: id,
              message: `${id} failed unexpectedly: ${Cause.pretty(Cause.die(defect)).split("\n")[0]}`
            })
          ))

    const own = provider.validate
    const check = (message: Message): Effect.Effect<string, ChannelError> =>
      Effect.zipRight(Capabilities.check(capabilities, message.content), resolveAddress(capabilities, message))

    const validate = (message: Message): Effect.Effect<string, ChannelError> =>
      own === undefined
        ? check(message)
        : Effect.tap(check(message), (to) => provided(normalize(() => own(message, to))))

    const retry = options?.retry

    // validates, then sends with retries; the provider's effects get their services once for all of it
    const deliver = (message: Message): Effect.Effect<Receipt, ChannelError> =>
      Effect.flatMap(check(message), (to) => {
        const attempt = normalize(() => provider.send(message, to))
        const attempts = retry === undefined ? attempt : withRetry(attempt, retry)
        return provided(own === undefined ? attempts : Effect.zipRight(normalize(() => own(message, to)), attempts))
      })

    // the metrics of this channel, tagged once rather than on every send
    const durations = Metric.tagged(sendDuration, "channel", id)
    const sent = Metric.tagged(sends, "channel", id)
    const counters = new Map<string, Metric.Metric.Counter<number>>()
    const counter = (outcome: string): Metric.Metric.Counter<number> => {
      let found = counters.get(outcome)
      if (found === undefined) {
        found = Metric.tagged(sent, "outcome", outcome)
        counters.set(outcome, found)
      }
      return found
    }
    const spanOptions = { captureStackTrace: false } as const

    const send = (message: Message): Effect.Effect<Receipt, ChannelError> =>
      Effect.flatMap(Clock.currentTimeMillis, (start) =>
        Effect.flatMap(
          Effect.either(deliver(message)),
          (result) =>
            Effect.flatMap(Clock.currentTimeMillis, (end) => {
              const outcome = result._tag === "Right" ? "accepted" : result.left._tag
              return Metric.increment(counter(outcome)).pipe(
                Effect.zipRight(Metric.update(durations, end - start)),
                Effect.zipRight(Effect.annotateCurrentSpan("outcome", outcome)),
                Effect.zipRight(result)
              )
            })
        )).pipe(
          Effect.withSpan("Channel.send", {
            ...spanOptions,
            attributes: { "channel.id": id, "message.id": message.id, "message.content": message.content._tag }
          })
        )

    return { id, capabilities, send, validate }
  })
