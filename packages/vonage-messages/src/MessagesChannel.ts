/**
 * The send building blocks the Messages API channels share (`@switchboard/whatsapp`, `@switchboard/viber`,
 * `@switchboard/messenger`), so that each channel package holds only its capabilities, its content mapping and
 * its own rules.
 *
 * `make` turns a channel `Definition` into a `Channel` (through `Channel.make` of `@switchboard/core`, which
 * validates content and addresses before any I/O, traces and counts). For every message it:
 * 1. resolves the sender (the message's `sender`, else the channel's default) and fails with `InvalidMessage`
 *    when there is none;
 * 2. maps the content with the definition's `payload` and builds the channel options with `options` — both
 *    before any I/O, so what the channel cannot carry is refused early;
 * 3. runs the channel's own `validate` (WhatsApp's conversation window, for example);
 * 4. sends through the `VonageMessagesClient` in context, with the message's `clientReference` or else its id as
 *    `client_ref` (so status webhooks name the message; v1 takes 100 characters, v0.1 40: a longer
 *    `clientReference` is refused, a longer id is left out), and returns a `Receipt` with the `message_uuid`;
 * 5. lets the definition `refineError` a provider error (Messenger explains code 1340).
 *
 * Addresses are sent without a leading `+`, as the Messages API wants them.
 *
 * @example
 * ```ts
 * import { MessagesChannel, VonageMessagesClient } from "@switchboard/vonage-messages"
 * import { Capabilities } from "@switchboard/core"
 * import { Effect } from "effect"
 *
 * // a text-only SMS channel over the Messages API
 * const SmsOverMessages = MessagesChannel.make({
 *   channel: "sms",
 *   capabilities: () =>
 *     Capabilities.make({
 *       channel: VonageMessagesClient.channelId("sms"),
 *       outbound: ["Text"],
 *       inbound: ["Text"],
 *       address: "phone",
 *       receipts: ["delivered"],
 *       maxTextLength: 1000
 *     }),
 *   sender: "447700900001",
 *   payload: (content, context) =>
 *     content._tag === "Text"
 *       ? Effect.succeed({ type: "text", text: content.text } as const)
 *       : Effect.fail(MessagesChannel.unsupported(context, content))
 * })
 * ```
 *
 * @since 0.1.0
 */
import type { Capabilities } from "@switchboard/core/Capabilities"
import * as Channel from "@switchboard/core/Channel"
import { type ChannelError, InvalidMessage, UnsupportedContent } from "@switchboard/core/ChannelError"
import type * as Content from "@switchboard/core/Content"
import type { Message } from "@switchboard/core/Message"
import { Receipt } from "@switchboard/core/Receipt"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import {
  type Api,
  channelId,
  type MessagesChannel,
  type Payload,
  type SendRequest,
  VonageMessagesClient
} from "./VonageMessagesClient.js"

/**
 * What a channel's functions are told about the send.
 *
 * @since 0.1.0
 * @category models
 */
export interface Context {
  /** The API shape of the configured client. */
  readonly api: Api
  /** The channel's id (`whatsapp`, `viber`, `messenger`). */
  readonly channel: string
}

/**
 * The channel-specific options of a request.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = Pick<SendRequest, "whatsapp" | "viber" | "messenger">

/**
 * A Messages API channel, as data and functions.
 *
 * @since 0.1.0
 * @category models
 */
export interface Definition<R = never> {
  readonly channel: MessagesChannel
  /** The capabilities for the API shape the client speaks. */
  readonly capabilities: (api: Api) => Capabilities
  /** The default sender: WhatsApp business number, Viber service id, Facebook page id. */
  readonly sender?: string | undefined
  /** The payload for a content the capabilities allow; runs before any I/O. */
  readonly payload: (content: Content.Outbound, context: Context) => Effect.Effect<Payload, ChannelError>
  /** The channel options for a message; runs before any I/O. */
  readonly options?:
    | ((message: Message, payload: Payload, context: Context) => Effect.Effect<Options, ChannelError>)
    | undefined
  /** The channel's own rules, given the resolved address; runs before any I/O. */
  readonly validate?: ((message: Message, to: string, context: Context) => Effect.Effect<void, ChannelError, R>) | undefined
  /** Rewrites a provider error for this channel (a clearer message, a different reason). */
  readonly refineError?: ((error: ChannelError, message: Message) => ChannelError) | undefined
  /** Retries for retryable errors (see `Channel.RetryPolicy`). */
  readonly retry?: Channel.RetryPolicy | undefined
}

/**
 * An address as the Messages API wants it: without a leading `+` (E.164 digits, or an id as is).
 *
 * @since 0.1.0
 * @category helpers
 */
export const address = (value: string): string => value.trim().replace(/^\+/, "")

/**
 * The longest `client_ref` each shape accepts.
 *
 * @since 0.1.0
 * @category constants
 */
export const clientRefLimit: Readonly<Record<Api, number>> = { v1: 100, "v0.1": 40 }

/**
 * The `UnsupportedContent` error for content a channel's mapping does not handle.
 *
 * @since 0.1.0
 * @category errors
 */
export const unsupported = (context: Context, content: Content.Outbound): UnsupportedContent =>
  new UnsupportedContent({
    channel: context.channel,
    content: content._tag,
    message: `${context.channel} cannot send ${content._tag} content through the ${context.api} Messages API`
  })

/**
 * The payload of a media content (`Image`, `Audio`, `Video`, `File`). A caption or file name the channel cannot
 * carry is refused with `InvalidMessage` (before any I/O) rather than silently dropped.
 *
 * @since 0.1.0
 * @category helpers
 */
export const media = (
  context: Context,
  content: Content.Image | Content.Audio | Content.Video | Content.File,
  supports: { readonly caption: boolean; readonly name: boolean }
): Effect.Effect<Payload, InvalidMessage> => {
  const type = content._tag === "Image"
    ? "image"
    : content._tag === "Audio"
    ? "audio"
    : content._tag === "Video"
    ? "video"
    : "file"
  const name = content._tag === "File" ? content.name : undefined
  if (content.caption !== undefined && !supports.caption) {
    return Effect.fail(
      new InvalidMessage({
        channel: context.channel,
        field: "content.caption",
        message: `${context.channel} cannot send a caption with ${content._tag} content (${context.api})`
      })
    )
  }
  if (name !== undefined && !supports.name) {
    return Effect.fail(
      new InvalidMessage({
        channel: context.channel,
        field: "content.name",
        message: `${context.channel} cannot send a file name with File content (${context.api})`
      })
    )
  }
  return Effect.succeed({
    type,
    url: content.url,
    ...(content.caption === undefined ? {} : { caption: content.caption }),
    ...(name === undefined ? {} : { name })
  })
}

/**
 * A string option from the message's metadata (`viber.category`, `messenger.tag`, …).
 *
 * @since 0.1.0
 * @category helpers
 */
export const metadata = (message: Message, key: string): string | undefined => {
  const value = message.metadata?.[key]
  return value === undefined || value.trim().length === 0 ? undefined : value.trim()
}

/**
 * Builds the request for a message, without any I/O: sender, payload, options, client reference.
 *
 * @since 0.1.0
 * @category constructors
 */
export const request = <R>(
  definition: Definition<R>,
  context: Context,
  message: Message,
  to: string
): Effect.Effect<SendRequest, ChannelError> =>
  Effect.gen(function*() {
    const sender = message.sender ?? definition.sender
    if (sender === undefined) {
      return yield* Effect.fail(
        new InvalidMessage({
          channel: context.channel,
          field: "sender",
          message: `${context.channel} needs a sender: give the message a sender or configure the channel's default`
        })
      )
    }
    const limit = clientRefLimit[context.api]
    if (message.clientReference !== undefined && message.clientReference.length > limit) {
      return yield* Effect.fail(
        new InvalidMessage({
          channel: context.channel,
          field: "clientReference",
          message: `the ${context.api} Messages API takes a client reference of at most ${limit} characters`
        })
      )
    }
    const payload = yield* definition.payload(message.content, context)
    const options = definition.options === undefined ? {} : yield* definition.options(message, payload, context)
    const clientRef = message.clientReference ?? (message.id.length <= limit ? message.id : undefined)
    return {
      channel: definition.channel,
      from: address(sender),
      to: address(to),
      payload,
      ...(clientRef === undefined ? {} : { clientRef }),
      ...options
    }
  })

/**
 * The `Channel.Provider` for a definition, bound to the client in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const provider = <R>(
  definition: Definition<R>
): Effect.Effect<Channel.Provider<R>, never, VonageMessagesClient> =>
  Effect.map(VonageMessagesClient, (client): Channel.Provider<R> => {
    const context: Context = { api: client.api, channel: channelId(definition.channel) }
    const capabilities = definition.capabilities(client.api)
    return {
      capabilities,
      validate: (message, to) =>
        Effect.zipRight(
          request(definition, context, message, to),
          definition.validate === undefined ? Effect.void : definition.validate(message, to, context)
        ),
      send: (message, to) =>
        Effect.gen(function*() {
          const sendRequest = yield* request(definition, context, message, to)
          const accepted = yield* client.send(sendRequest).pipe(
            Effect.mapError((error) =>
              definition.refineError === undefined ? error : definition.refineError(error, message)
            )
          )
          const acceptedAt = yield* DateTime.now
          // the id is the decoded answer's (a non-empty string), the rest the message's or constants
          return new Receipt({
            channel: context.channel,
            messageId: message.id,
            providerMessageIds: [accepted.messageUuid],
            parts: 1,
            acceptedAt
          }, accepted.messageUuid.length > 0)
        })
    }
  })

/**
 * A `Channel` for a definition: `Channel.make` over `provider`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <R = never>(
  definition: Definition<R>
): Effect.Effect<Channel.Channel, never, VonageMessagesClient | R> =>
  Effect.flatMap(provider(definition), (built) => Channel.make(built, { retry: definition.retry }))
