/**
 * Viber Service Messages as a Switchboard channel, through Vonage's Messages API — v1 direct to Vonage or the
 * v0.1 shape through KPN, whichever `VonageMessagesClient` is provided.
 *
 * Capabilities (the KPN guide's feature matrix): sends text (up to 1000 characters), images and templates;
 * receives text and templates (and reports what it cannot represent as unsupported); addresses people by phone
 * number; reports delivered and read. Templates need the v0.1 shape: the v1 definition (and Vonage's v1 API)
 * has no Viber template message, so with a v1 client `Template` is not among the channel's capabilities and is
 * refused with `UnsupportedContent` before any I/O. Image captions travel in v1 only (v0.1 has none).
 *
 * Viber options:
 * - **ttl**: how long Viber keeps trying, in seconds, 30 to 259200 (3 days). The message's `ttl` wins over the
 *   channel's; below 30 s the message is refused (`InvalidMessage`), above 3 days it is capped at 3 days (the
 *   message then expires earlier than asked, never later).
 * - **category**: `transaction` (Vonage's default) or `promotion`; the message's metadata
 *   `viber.category` wins over the channel's. A business's first message to a user must not be promotional.
 *
 * The sender is the Viber Service Message id KPN or Vonage gave you (`from.id`).
 *
 * Configuration (`layerConfig`): `VIBER_SENDER` (the service id), `VIBER_CATEGORY` (optional), `VIBER_TTL`
 * (optional, a duration such as `10 minutes`), plus the `VonageMessagesClient` variables.
 *
 * @example
 * ```ts
 * import { Content, Message, Recipient } from "@switchboard/core"
 * import { VonageMessagesClient } from "@switchboard/vonage-messages"
 * import { ViberChannel } from "@switchboard/viber"
 * import { OAuthClientCredentials } from "@switchboard/auth"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * // through KPN (the v0.1 shape), where templates are available
 * const Viber = ViberChannel.layer({ sender: "654321", category: "transaction", ttl: "10 minutes" }).pipe(
 *   Layer.provide(VonageMessagesClient.layer({ mode: "kpn", applicationId: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab" })),
 *   Layer.provide(OAuthClientCredentials.layer({ clientId: "my-client-id", clientSecret: Redacted.make("secret") })),
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 *
 * const program = Effect.gen(function*() {
 *   const viber = yield* ViberChannel.ViberChannel
 *   const message = yield* Message.make({
 *     recipient: yield* Recipient.fromPhone("+31612345678"),
 *     content: Content.text("Your parcel arrives today between 10:00 and 12:00")
 *   })
 *   return yield* viber.send(message)
 * }).pipe(Effect.provide(Viber))
 * ```
 *
 * @since 0.1.0
 */
import * as Capabilities from "@switchboard/core/Capabilities"
import type * as Channel from "@switchboard/core/Channel"
import { type ChannelError, InvalidMessage } from "@switchboard/core/ChannelError"
import type * as Content from "@switchboard/core/Content"
import type { Message } from "@switchboard/core/Message"
import * as MessagesChannel from "@switchboard/vonage-messages/MessagesChannel"
import type { Api, Payload, VonageMessagesClient } from "@switchboard/vonage-messages/VonageMessagesClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

/**
 * The channel's id.
 *
 * @since 0.1.0
 * @category constants
 */
export const id = "viber"

/**
 * The largest media file the Messages API takes: 64 MB.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxMediaBytes = 64 * 1024 * 1024

/**
 * The shortest and longest time-to-live Viber accepts, in seconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const ttlRange = { min: 30, max: 259_200 } as const

/**
 * What Viber Service Messages can do through an API shape: the KPN guide's feature matrix; `Template` only in
 * v0.1 (see the module's description).
 *
 * @since 0.1.0
 * @category capabilities
 */
export const capabilities = (api: Api): Capabilities.Capabilities =>
  Capabilities.make({
    channel: id,
    outbound: api === "v0.1" ? ["Text", "Image", "Template"] : ["Text", "Image"],
    inbound: ["Text", "Template", "Unsupported"],
    address: "phone",
    receipts: ["delivered", "read"],
    maxTextLength: 1000,
    maxMediaBytes
  })

/**
 * @since 0.1.0
 * @category models
 */
export type Category = "transaction" | "promotion"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The Viber Service Message id to send from, when a message has no `sender`. */
  readonly sender?: string | undefined
  /** The default category; Vonage uses `transaction` when none is sent. */
  readonly category?: Category | undefined
  /** The default time-to-live, for messages without a `ttl`. */
  readonly ttl?: Duration.DurationInput | undefined
  /** Retries for retryable errors. */
  readonly retry?: Channel.RetryPolicy | undefined
}

const payload = (
  content: Content.Outbound,
  context: MessagesChannel.Context
): Effect.Effect<Payload, ChannelError> => {
  switch (content._tag) {
    case "Text":
      return Effect.succeed({ type: "text", text: content.text })
    case "Image":
      return MessagesChannel.media(context, content, { caption: context.api === "v1", name: false })
    case "Template":
      return Effect.succeed({ type: "template", name: content.name, parameters: content.parameters })
    default:
      return Effect.fail(MessagesChannel.unsupported(context, content))
  }
}

const invalid = (field: string, message: string) => new InvalidMessage({ channel: id, field, message })

/**
 * The Viber time-to-live in seconds for a duration: refused below 30 s, capped at 3 days.
 *
 * @since 0.1.0
 * @category options
 */
export const ttlSeconds = (ttl: Duration.DurationInput): Effect.Effect<number, InvalidMessage> => {
  const seconds = Math.floor(Duration.toSeconds(Duration.decode(ttl)))
  return seconds < ttlRange.min
    ? Effect.fail(invalid("ttl", `Viber needs a time-to-live of at least ${ttlRange.min} seconds, not ${seconds}`))
    : Effect.succeed(Math.min(seconds, ttlRange.max))
}

const channelOptions = (options: Options) =>
(
  message: Message,
  sent: Payload
): Effect.Effect<MessagesChannel.Options, ChannelError> =>
  Effect.gen(function*() {
    const category = MessagesChannel.metadata(message, "viber.category") ?? options.category
    if (category !== undefined && category !== "transaction" && category !== "promotion") {
      return yield* Effect.fail(
        invalid("metadata.viber.category", `a Viber category is transaction or promotion, not "${category}"`)
      )
    }
    const ttl = message.ttl ?? options.ttl
    const seconds = ttl === undefined ? undefined : yield* ttlSeconds(ttl)
    const type = sent.type === "template" ? "template" : undefined
    if (category === undefined && seconds === undefined && type === undefined) return {}
    return {
      viber: {
        ...(category === undefined ? {} : { category }),
        ...(seconds === undefined ? {} : { ttl: seconds }),
        ...(type === undefined ? {} : { type })
      }
    }
  })

/**
 * The channel's definition for `MessagesChannel` (what `make` builds on).
 *
 * @since 0.1.0
 * @category constructors
 */
export const definition = (options: Options = {}): MessagesChannel.Definition => ({
  channel: "viber",
  capabilities,
  sender: options.sender,
  payload,
  options: channelOptions(options),
  retry: options.retry
})

/**
 * Builds the channel on the `VonageMessagesClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Channel.Channel, never, VonageMessagesClient> =>
  MessagesChannel.make(definition(options))

/**
 * The Viber channel, as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class ViberChannel extends Context.Tag("@switchboard/viber/ViberChannel")<ViberChannel, Channel.Channel>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<ViberChannel, never, VonageMessagesClient> =>
  Layer.effect(ViberChannel, make(options))

/**
 * The options from the environment: `VIBER_SENDER`, `VIBER_CATEGORY`, `VIBER_TTL`.
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  sender: Config.option(Config.string("VIBER_SENDER")),
  category: Config.option(Config.literal("transaction", "promotion")("VIBER_CATEGORY")),
  ttl: Config.option(Config.duration("VIBER_TTL"))
}).pipe(
  Config.map(({ category, sender, ttl }): Options => ({
    sender: Option.getOrUndefined(sender),
    category: Option.getOrUndefined(category),
    ttl: Option.getOrUndefined(ttl)
  }))
)

/**
 * The channel from the environment (see `config`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<ViberChannel, ConfigError.ConfigError, VonageMessagesClient> = Layer
  .unwrapEffect(Effect.map(config, (options) => layer(options)))
