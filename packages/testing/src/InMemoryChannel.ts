/**
 * The reference channel: a complete adapter for the reference provider (`InMemoryClient` speaks its HTTP
 * API, `InMemoryWebhook` parses its status callbacks, `InMemoryProvider` runs it in memory). It passes
 * `ChannelConformance`, and it is written to be copied: a custom adapter has the same three parts.
 *
 * 1. **Capabilities as data** (`capabilities`): the content kinds it sends, the address it needs, the
 *    statuses it reports, its text limit. `Channel.make` checks them before any I/O.
 * 2. **A provider** for `Channel.make` (`make`): `validate` (rules the capabilities cannot express, here the
 *    sender id) and `send` (message → wire request → receipt), on top of the client.
 * 3. **One error table** (`toChannelError`): every client failure, by HTTP status and provider code, to one
 *    `ChannelError`, tested case by case. Secrets never reach it: the client's errors do not carry them.
 *
 * For tests, `fixture` wires the channel to a fresh in-memory provider, so router and application tests can
 * send through a real channel, see what the provider received, inject failures and report statuses.
 *
 * @example
 * ```ts
 * import { Content, Message, Recipient } from "@switchboard/core"
 * import { InMemoryChannel } from "@switchboard/testing"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const { channel, provider } = yield* InMemoryChannel.fixture()
 *   const recipient = yield* Recipient.fromPhone("+31612345678")
 *   const message = yield* Message.make({ recipient, content: Content.text("Your code is 123456") })
 *
 *   const receipt = yield* channel.send(message)
 *   const [sent] = yield* provider.sent            // what the provider received
 *   yield* provider.report(message.id, "delivered") // a signed status callback, parsed
 *   return receipt
 * })
 * ```
 *
 * @since 0.1.0
 */
import {
  type Address,
  Capabilities,
  Channel,
  ChannelError,
  type Content,
  type Message,
  Receipt
} from "@switchboard/core"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as InMemoryClient from "./InMemoryClient.js"
import * as InMemoryProvider from "./InMemoryProvider.js"
import * as MockHttpClient from "./MockHttpClient.js"

/**
 * The reference channel's default id.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultChannelId = "sms.inmemory"

/**
 * What can vary between instances (router tests use several, with different ids and capabilities).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The channel id; `sms.inmemory` by default. */
  readonly channel?: string | undefined
  /** Content kinds it sends; `Text`, `Image` and `Binary` by default (the provider's API carries all). */
  readonly outbound?: ReadonlyArray<Content.ContentKind> | undefined
  /** The address it needs; `phone` by default. */
  readonly address?: Address.AddressKind | undefined
  /** The statuses it reports; `delivered` by default. */
  readonly receipts?: ReadonlyArray<Capabilities.ReceiptKind> | undefined
  /** The longest text; 1600 characters by default. */
  readonly maxTextLength?: number | undefined
  /** A retry policy for retryable errors; none by default. */
  readonly retry?: Channel.RetryPolicy | undefined
}

/**
 * The channel's capabilities.
 *
 * @since 0.1.0
 * @category capabilities
 */
export const capabilities = (options?: Options): Capabilities.Capabilities =>
  Capabilities.make({
    channel: options?.channel ?? defaultChannelId,
    outbound: options?.outbound ?? ["Text", "Image", "Binary"],
    inbound: [],
    address: options?.address ?? "phone",
    receipts: options?.receipts ?? ["delivered"],
    maxTextLength: options?.maxTextLength ?? 1600
  })

/**
 * The message's content on the wire.
 *
 * @since 0.1.0
 * @category encoding
 */
export const toWireContent = (content: Content.Outbound): InMemoryClient.WireContent => {
  switch (content._tag) {
    case "Text":
      return { type: "text", text: content.text }
    case "Image":
    case "Audio":
    case "Video": {
      const type = content._tag === "Image" ? "image" : content._tag === "Audio" ? "audio" : "video"
      return { type, url: content.url, ...(content.caption === undefined ? {} : { caption: content.caption }) }
    }
    case "File":
      return {
        type: "file",
        url: content.url,
        ...(content.caption === undefined ? {} : { caption: content.caption }),
        ...(content.name === undefined ? {} : { name: content.name })
      }
    case "Template":
      return {
        type: "template",
        name: content.name,
        parameters: content.parameters,
        ...(content.locale === undefined ? {} : { locale: content.locale })
      }
    case "Custom":
      return { type: "custom", payload: content.payload }
    case "Binary":
      return {
        type: "binary",
        bodyHex: content.body,
        ...(content.udh === undefined ? {} : { udhHex: content.udh }),
        ...(content.protocolId === undefined ? {} : { protocolId: content.protocolId })
      }
  }
}

/**
 * The wire request for a message to an address.
 *
 * @since 0.1.0
 * @category encoding
 */
export const toSendRequest = (message: Message.Message, to: string): InMemoryClient.SendRequest => ({
  to,
  clientRef: message.id,
  content: toWireContent(message.content),
  ...(message.sender === undefined ? {} : { from: message.sender }),
  ...(message.ttl === undefined ? {} : { ttlSeconds: Math.max(1, Math.ceil(Duration.toSeconds(message.ttl))) })
})

/**
 * The error table: every client failure to one `ChannelError`.
 *
 * | client failure | channel error |
 * |---|---|
 * | `Transport`, `Timeout`, `Decode` | `ProviderUnavailable` |
 * | HTTP 401 | `AuthenticationFailed` |
 * | HTTP 402 | `Rejected` (`InsufficientCredit`) |
 * | HTTP 403 `blocked_recipient` / other | `Rejected` (`BlockedRecipient` / `NotPermitted`) |
 * | HTTP 400 `invalid_recipient` / `invalid_sender` / `unsupported_content` | `Rejected` (`InvalidRecipient` / `InvalidSender` / `ContentRefused`) |
 * | HTTP 400 other, 413, 422 | `InvalidMessage` |
 * | HTTP 408 and 5xx | `ProviderUnavailable` (with `status`) |
 * | HTTP 429 | `RateLimited` (with `retryAfterMillis` from `Retry-After`) |
 * | any other status | `Rejected` (`Other`) |
 *
 * @since 0.1.0
 * @category errors
 */
export const toChannelError = (
  channel: string,
  error: InMemoryClient.InMemoryClientError
): ChannelError.ChannelError => {
  const provider = {
    channel,
    ...(error.code === undefined ? {} : { providerCode: error.code }),
    ...(error.text === undefined ? {} : { providerText: error.text })
  }
  if (error.reason !== "Status" || error.status === undefined) {
    return new ChannelError.ProviderUnavailable({
      ...provider,
      message: `${channel}: ${error.message}`,
      ...(error.status === undefined ? {} : { status: error.status })
    })
  }
  const status = error.status
  const message = `${channel}: ${error.message}`
  const rejected = (rejection: ChannelError.RejectionCause) =>
    new ChannelError.Rejected({ ...provider, message, rejection })
  if (status === 401) return new ChannelError.AuthenticationFailed({ ...provider, message })
  if (status === 429) {
    return new ChannelError.RateLimited({
      ...provider,
      message,
      ...(error.retryAfterMillis === undefined ? {} : { retryAfterMillis: error.retryAfterMillis })
    })
  }
  if (status === 408 || status >= 500) return new ChannelError.ProviderUnavailable({ ...provider, message, status })
  if (status === 402) return rejected("InsufficientCredit")
  if (status === 403) return rejected(error.code === "blocked_recipient" ? "BlockedRecipient" : "NotPermitted")
  if (status === 400 && error.code === "invalid_recipient") return rejected("InvalidRecipient")
  if (status === 400 && error.code === "invalid_sender") return rejected("InvalidSender")
  if (status === 400 && error.code === "unsupported_content") return rejected("ContentRefused")
  if (status === 400 || status === 413 || status === 422) return new ChannelError.InvalidMessage({ ...provider, message })
  return rejected("Other")
}

const alphanumericSender = /^[A-Za-z0-9 ]{1,11}$/
const numericSender = /^\+?\d{3,15}$/

/**
 * The provider's own rule, checked before any I/O: a sender is up to 11 letters, digits and spaces, or a
 * number of up to 15 digits.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateSender = (
  channel: string,
  sender: string | undefined
): Effect.Effect<void, ChannelError.InvalidMessage> =>
  sender === undefined || alphanumericSender.test(sender) || numericSender.test(sender)
    ? Effect.void
    : Effect.fail(
      new ChannelError.InvalidMessage({
        channel,
        field: "sender",
        message: `${channel} accepts a sender of up to 11 letters, digits and spaces, or a number of up to 15 digits`
      })
    )

/**
 * The channel, on an `InMemoryClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): Effect.Effect<Channel.Channel, never, InMemoryClient.InMemoryClient> =>
  Effect.gen(function*() {
    const client = yield* InMemoryClient.InMemoryClient
    const caps = capabilities(options)
    const id = caps.channel
    return yield* Channel.make({
      capabilities: caps,
      validate: (message) => validateSender(id, message.sender),
      send: (message, to) =>
        client.send(toSendRequest(message, to), { idempotencyKey: message.id }).pipe(
          Effect.mapError((error) => toChannelError(id, error)),
          Effect.map((response) =>
            new Receipt.Receipt({
              channel: id,
              messageId: message.id,
              providerMessageIds: response.messageIds,
              parts: response.parts,
              acceptedAt: response.acceptedAt,
              ...(response.price === undefined ? {} : { price: response.price }),
              ...(response.currency === undefined ? {} : { currency: response.currency })
            })
          ),
          Effect.withSpan("InMemoryChannel.send", { attributes: { "channel.id": id, "message.id": message.id } })
        )
    }, options?.retry === undefined ? undefined : { retry: options.retry })
  })

/**
 * A channel wired to its own in-memory provider, for tests.
 *
 * @since 0.1.0
 * @category models
 */
export interface Fixture {
  readonly channel: Channel.Channel
  /** The provider behind it: what it received, failures to inject, statuses to report. */
  readonly provider: InMemoryProvider.Service
  /** The transport between them: every HTTP request the channel made. */
  readonly http: MockHttpClient.Service
}

/**
 * Builds a channel and a fresh in-memory provider behind it (each call is independent).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fixture = (
  options?: Options & Omit<InMemoryProvider.Options, "apiKey" | "channel">
): Effect.Effect<Fixture> =>
  Effect.gen(function*() {
    const apiKey = Redacted.make("inmemory-fixture-api-key")
    const provider = yield* InMemoryProvider.make({
      ...options,
      apiKey,
      channel: options?.channel ?? defaultChannelId
    })
    const http = yield* MockHttpClient.make(provider.handler)
    const channel = yield* make(options).pipe(
      Effect.provide(InMemoryClient.layer({ baseUrl: InMemoryProvider.defaultBaseUrl, apiKey })),
      Effect.provideService(HttpClient.HttpClient, http.client)
    )
    return { channel, provider, http }
  })
