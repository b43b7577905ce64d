/**
 * KPN's SMS API as a Switchboard `Channel` (`sms.kpn`): text to Dutch mobile numbers.
 *
 * Before any I/O (through `Channel.make`): the content must be `Text` of at most 1000 characters
 * (`UnsupportedContent` / `InvalidMessage`), the recipient needs a phone number that is a Dutch mobile by
 * KPN's rule, `Phone.isDutchMobile` (`Unaddressable`, which routing treats as "skip this step"), and the
 * sender (the message's, else the channel's default) must be at most 11 characters (`InvalidMessage`).
 *
 * The receipt's one provider id is KPN's `document_id`; `parts` is the SMS segment count of the text. The
 * channel reports `delivered` only when a `webhookUrl` is configured, since KPN sends delivery reports only
 * to the `webhook_url` of the call (parse them with `KpnSmsWebhook`). A message's `ttl` becomes `expirein`.
 *
 * Retryable failures (`RateLimited`, `ProviderUnavailable`) are retried by `Channel.make`'s retry policy
 * with exponential backoff, waiting at least the `retryAfterMillis` KPN asked for; `retry: false` turns
 * retries off (a router that retries itself wants that).
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { OAuthClientCredentials } from "@switchboard/auth"
 * import { Content, Message, Recipient } from "@switchboard/core"
 * import { KpnSmsChannel, KpnSmsClient } from "@switchboard/kpn-sms"
 * import { Effect, Layer } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const sms = yield* KpnSmsChannel.KpnSmsChannel
 *   const message = yield* Message.make({
 *     recipient: yield* Recipient.fromPhone("06 12345678", "NL"),
 *     sender: "Switchboard",
 *     content: Content.text("Your code is 123456")
 *   })
 *   const receipt = yield* sms.send(message)
 *   yield* Effect.log(`KPN document ${receipt.providerMessageIds[0]}`)
 * })
 *
 * const KpnSms = KpnSmsChannel.layerConfig.pipe(
 *   Layer.provideMerge(KpnSmsClient.layerConfig),
 *   Layer.provide(OAuthClientCredentials.layerConfig),
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 *
 * program.pipe(Effect.provide(KpnSms), Effect.runPromise)
 * ```
 *
 * @since 0.1.0
 */
import { Capabilities, Channel, ChannelError, type Message, Phone, Receipt, Sms } from "@switchboard/core"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Validate from "./internal/validation.js"
import { channelId, KpnSmsClient } from "./KpnSmsClient.js"

/**
 * The retry policy used when none is given: 3 attempts in all, 1 s then 2 s apart (or longer when KPN asks
 * for longer), at most 30 s.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultRetry: Channel.RetryPolicy = {
  attempts: 3,
  initialDelay: Duration.seconds(1),
  factor: 2,
  maxDelay: Duration.seconds(30)
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The sender for messages that have none (at most 11 characters). KPN uses `KPN` when neither is set. */
  readonly sender?: string | undefined
  /** Where KPN posts delivery reports. Without it the channel reports no `delivered` status. */
  readonly webhookUrl?: string | undefined
  /** Retries for retryable errors; `false` for none. Defaults to `defaultRetry`. */
  readonly retry?: Channel.RetryPolicy | false | undefined
}

/**
 * What the channel can do: `Text` out (≤ 1000 characters) and in, phone addresses, and `delivered`
 * receipts when a webhook URL is configured.
 *
 * @since 0.1.0
 * @category constructors
 */
export const capabilities = (options: { readonly webhookUrl?: string | undefined } = {}): Capabilities.Capabilities =>
  Capabilities.make({
    channel: channelId,
    outbound: ["Text"],
    inbound: ["Text"],
    address: "phone",
    receipts: options.webhookUrl === undefined ? [] : ["delivered"],
    maxTextLength: Validate.maxTextLength
  })

/**
 * Builds the channel on the `KpnSmsClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Channel.Channel, never, KpnSmsClient> =>
  Effect.gen(function*() {
    const client = yield* KpnSmsClient
    const caps = capabilities(options)
    const senderOf = (message: Message.Message) => message.sender ?? options.sender

    const validate = (message: Message.Message, to: string): Effect.Effect<void, ChannelError.ChannelError> =>
      Effect.gen(function*() {
        if (!Phone.isDutchMobile(to)) return yield* Effect.fail(Validate.unaddressable(to))
        yield* Validate.sender(senderOf(message))
      })

    const send = (message: Message.Message, to: string): Effect.Effect<Receipt.Receipt, ChannelError.ChannelError> =>
      Effect.gen(function*() {
        const content = message.content
        if (content._tag !== "Text") {
          return yield* Effect.fail(
            new ChannelError.UnsupportedContent({
              channel: channelId,
              content: content._tag,
              message: `${channelId} cannot send ${content._tag} content (it sends Text)`
            })
          )
        }
        const sender = senderOf(message)
        const result = yield* client.send({
          messages: [{ to, text: content.text }],
          ...(sender === undefined ? {} : { sender }),
          ...(options.webhookUrl === undefined ? {} : { webhookUrl: options.webhookUrl }),
          ...(message.ttl === undefined ? {} : { expireIn: message.ttl })
        })
        return new Receipt.Receipt({
          channel: channelId,
          messageId: message.id,
          providerMessageIds: [result.documentId],
          parts: Sms.countSegments(content.text),
          acceptedAt: result.acceptedAt
        })
      })

    const retry = options.retry === undefined ? defaultRetry : options.retry === false ? undefined : options.retry
    return yield* Channel.make({ capabilities: caps, validate, send }, { retry })
  })

/**
 * The channel as a service, for applications that use one KPN SMS channel.
 *
 * @since 0.1.0
 * @category tags
 */
export class KpnSmsChannel extends Context.Tag("@switchboard/kpn-sms/KpnSmsChannel")<KpnSmsChannel, Channel.Channel>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<KpnSmsChannel, never, KpnSmsClient> =>
  Layer.effect(KpnSmsChannel, make(options))

/**
 * The options from the environment:
 * - `KPN_SMS_SENDER`: the default sender (at most 11 characters);
 * - `KPN_SMS_WEBHOOK_URL`: where KPN posts delivery reports (enables `delivered` receipts);
 * - `KPN_SMS_RETRY_ATTEMPTS`: attempts in all, 1 for no retries (default 3);
 * - `KPN_SMS_RETRY_DELAY`: the first backoff (default `1 second`, doubling, at most 30 s).
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  sender: Config.option(
    Config.string("KPN_SMS_SENDER").pipe(
      Config.validate({
        message: `KPN_SMS_SENDER must be 1 to ${Validate.maxSenderLength} characters`,
        validation: (s) => Validate.sender(s)._tag === "Right"
      })
    )
  ),
  webhookUrl: Config.option(
    Config.string("KPN_SMS_WEBHOOK_URL").pipe(
      Config.validate({
        message: "KPN_SMS_WEBHOOK_URL must be an absolute http(s) URL",
        validation: (s) => Validate.webhookUrl(s)._tag === "Right"
      })
    )
  ),
  attempts: Config.withDefault(Config.integer("KPN_SMS_RETRY_ATTEMPTS"), defaultRetry.attempts).pipe(
    Config.validate({ message: "KPN_SMS_RETRY_ATTEMPTS must be at least 1", validation: (n) => n >= 1 })
  ),
  delay: Config.withDefault(Config.duration("KPN_SMS_RETRY_DELAY"), Duration.decode(defaultRetry.initialDelay))
}).pipe(
  Config.map((c): Options => ({
    ...(Option.isSome(c.sender) ? { sender: c.sender.value } : {}),
    ...(Option.isSome(c.webhookUrl) ? { webhookUrl: c.webhookUrl.value } : {}),
    retry: c.attempts <= 1 ? false : { ...defaultRetry, attempts: c.attempts, initialDelay: c.delay }
  }))
)

/**
 * `layer` with the options from the environment (see `config`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<KpnSmsChannel, ConfigError.ConfigError, KpnSmsClient> = Layer.unwrapEffect(
  Effect.map(config, layer)
)
