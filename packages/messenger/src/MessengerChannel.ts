/**
 * Facebook Messenger as a Switchboard channel, through Vonage's Messages API — v1 direct to Vonage or the v0.1
 * shape through KPN, whichever `VonageMessagesClient` is provided.
 *
 * **Addressing.** Messenger addresses people by their page-scoped id (PSID), never by phone number: the
 * recipient's `messengerId`. A recipient with only a phone number is `Unaddressable` (routing skips the step).
 * The sender is your Facebook page id.
 *
 * **A business cannot start a conversation.** A person must first write to your page; only then does your page
 * get their PSID (in the inbound webhook's `from`) and may answer — by default within Facebook's standard
 * messaging window (`category: "response"`). Outside it, only a message tagged for a permitted purpose
 * (`category: "message_tag"` with a `tag` such as `CONFIRMED_EVENT_UPDATE`, `POST_PURCHASE_UPDATE` or
 * `ACCOUNT_UPDATE`) may be sent. When Facebook refuses a message for that reason, Vonage answers with code 1340
 * ("Outside of the allowed window"); the channel reports it as `Rejected` with cause `NotPermitted` and a
 * message that says so. Nothing can be sent to someone who never wrote to the page: there is no PSID to send to.
 *
 * Capabilities (the KPN guide's feature matrix, as far as the Messages API definitions carry it): sends text
 * (up to 640 characters), image, audio, video and file; receives the same plus templates and unsupported
 * content; reports delivered and read; media up to 64 MB. The matrix also lists outbound templates, but neither
 * the v1 nor the v0.1 definition has a Messenger template message, so the channel does not claim it. Messenger
 * media carry no caption or file name: a message with one is refused before any I/O rather than sent without.
 *
 * Options: `category` (`response`, `update` or `message_tag`) and `tag`, from the channel's options or, per
 * message, the metadata `messenger.category` and `messenger.tag`; a tag without a category means
 * `message_tag`, and `message_tag` without a tag is refused (`InvalidMessage`).
 *
 * Configuration (`layerConfig`): `MESSENGER_SENDER` (the page id), `MESSENGER_CATEGORY` and `MESSENGER_TAG`
 * (optional), plus the `VonageMessagesClient` variables.
 *
 * @example
 * ```ts
 * import { Content, Message, Recipient } from "@switchboard/core"
 * import { VonageMessagesClient } from "@switchboard/vonage-messages"
 * import { MessengerChannel } from "@switchboard/messenger"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const Messenger = MessengerChannel.layer({ sender: "107083064136738" }).pipe(
 *   Layer.provide(
 *     VonageMessagesClient.layer({ mode: "vonage-basic", apiKey: "abcd1234", apiSecret: Redacted.make("secret") })
 *   ),
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 *
 * const program = Effect.gen(function*() {
 *   const messenger = yield* MessengerChannel.MessengerChannel
 *   // the PSID from the person's inbound message (`InboundMessage.from`)
 *   const message = yield* Message.make({
 *     recipient: Recipient.make({ messengerId: "5234567890123456" }),
 *     content: Content.text("Thanks for your message! Your order ships tomorrow."),
 *     metadata: { "messenger.tag": "POST_PURCHASE_UPDATE" }
 *   })
 *   return yield* messenger.send(message)
 * }).pipe(Effect.provide(Messenger))
 * ```
 *
 * @since 0.1.0
 */
import * as Capabilities from "@switchboard/core/Capabilities"
import type * as Channel from "@switchboard/core/Channel"
import { type ChannelError, InvalidMessage, Rejected } from "@switchboard/core/ChannelError"
import type * as Content from "@switchboard/core/Content"
import type { Message } from "@switchboard/core/Message"
import * as MessagesChannel from "@switchboard/vonage-messages/MessagesChannel"
import type { Payload, VonageMessagesClient } from "@switchboard/vonage-messages/VonageMessagesClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

/**
 * The channel's id.
 *
 * @since 0.1.0
 * @category constants
 */
export const id = "messenger"

/**
 * The largest media file the Messages API takes: 64 MB.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxMediaBytes = 64 * 1024 * 1024

/**
 * What Messenger can do (the same in both API shapes).
 *
 * @since 0.1.0
 * @category capabilities
 */
export const capabilities: Capabilities.Capabilities = Capabilities.make({
  channel: id,
  outbound: ["Text", "Image", "Audio", "Video", "File"],
  inbound: ["Text", "Image", "Audio", "Video", "File", "Template", "Unsupported"],
  address: "messenger",
  receipts: ["delivered", "read"],
  maxTextLength: 640,
  maxMediaBytes
})

/**
 * Facebook's messaging types, as Vonage names them.
 *
 * @since 0.1.0
 * @category models
 */
export type Category = "response" | "update" | "message_tag"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The Facebook page id to send from, when a message has no `sender`. */
  readonly sender?: string | undefined
  /** The default category; Vonage uses `response` when none is sent. */
  readonly category?: Category | undefined
  /** The default message tag (implies `category: "message_tag"`). */
  readonly tag?: string | undefined
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
    case "Audio":
    case "Video":
    case "File":
      return MessagesChannel.media(context, content, { caption: false, name: false })
    default:
      return Effect.fail(MessagesChannel.unsupported(context, content))
  }
}

const categories: ReadonlyArray<string> = ["response", "update", "message_tag"]

const channelOptions = (options: Options) => (message: Message): Effect.Effect<MessagesChannel.Options, ChannelError> => {
  const tag = MessagesChannel.metadata(message, "messenger.tag") ?? options.tag
  const given = MessagesChannel.metadata(message, "messenger.category") ?? options.category
  const category = given ?? (tag === undefined ? undefined : "message_tag")
  if (category !== undefined && !categories.includes(category)) {
    return Effect.fail(
      new InvalidMessage({
        channel: id,
        field: "metadata.messenger.category",
        message: `a Messenger category is response, update or message_tag, not "${category}"`
      })
    )
  }
  if (category === "message_tag" && tag === undefined) {
    return Effect.fail(
      new InvalidMessage({
        channel: id,
        field: "metadata.messenger.tag",
        message: "a Messenger message with category message_tag needs a tag (for example CONFIRMED_EVENT_UPDATE)"
      })
    )
  }
  if (category === undefined) return Effect.succeed({})
  return Effect.succeed({
    messenger: {
      category: category as Category,
      ...(tag === undefined || category !== "message_tag" ? {} : { tag })
    }
  })
}

/**
 * Explains Facebook's refusal of a message the page may not send (code 1340): the person has not written to the
 * page, or the messaging window has closed and the message has no permitted tag.
 *
 * @since 0.1.0
 * @category errors
 */
export const refineError = (error: ChannelError): ChannelError =>
  error.providerCode === "1340"
    ? new Rejected({
      channel: id,
      rejection: "NotPermitted",
      providerCode: "1340",
      ...(error.providerText === undefined ? {} : { providerText: error.providerText }),
      message:
        "Facebook refused the message: a page can only answer people who wrote to it first, within Facebook's messaging window; outside it, send with category message_tag and a permitted tag (code 1340)"
    })
    : error

/**
 * The channel's definition for `MessagesChannel` (what `make` builds on).
 *
 * @since 0.1.0
 * @category constructors
 */
export const definition = (options: Options = {}): MessagesChannel.Definition => ({
  channel: "messenger",
  capabilities: () => capabilities,
  sender: options.sender,
  payload,
  options: channelOptions(options),
  refineError,
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
 * The Messenger channel, as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class MessengerChannel extends Context.Tag("@switchboard/messenger/MessengerChannel")<
  MessengerChannel,
  Channel.Channel
>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<MessengerChannel, never, VonageMessagesClient> =>
  Layer.effect(MessengerChannel, make(options))

/**
 * The options from the environment: `MESSENGER_SENDER`, `MESSENGER_CATEGORY`, `MESSENGER_TAG`.
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  sender: Config.option(Config.string("MESSENGER_SENDER")),
  category: Config.option(Config.literal("response", "update", "message_tag")("MESSENGER_CATEGORY")),
  tag: Config.option(Config.string("MESSENGER_TAG"))
}).pipe(
  Config.map(({ category, sender, tag }): Options => ({
    sender: Option.getOrUndefined(sender),
    category: Option.getOrUndefined(category),
    tag: Option.getOrUndefined(tag)
  }))
)

/**
 * The channel from the environment (see `config`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<MessengerChannel, ConfigError.ConfigError, VonageMessagesClient> = Layer
  .unwrapEffect(Effect.map(config, (options) => layer(options)))
