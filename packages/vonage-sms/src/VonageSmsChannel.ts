/**
 * SMS through Vonage (directly or through KPN's gateway, whichever `VonageSmsClient` is provided), as a
 * `Channel`.
 *
 * - **Text** is sent as `type=text` when it fits GSM-7 and as `type=unicode` otherwise (`Sms.analyze`);
 *   Vonage cuts long text into parts itself.
 * - **Binary** content is sent as `type=binary` with `body`, `udh` and `protocol-id` (at most 140 octets of
 *   header and body together, checked before sending).
 * - Every advanced field is supported: `ttl` (from the message's `ttl`, 20 s to 7 days), `client-ref` (the
 *   message's `clientReference`, else its id, so delivery receipts point back to the message),
 *   `status-report-req`, `callback` (at most 100 characters), `message-class`, `protocol-id`, `account-ref`,
 *   `entity-id`, `content-id`, `pool-id` and `trusted-number`: channel-wide defaults in `Options`, per message
 *   in `message.metadata` under `vonage-sms.<field>` (for example `"vonage-sms.entity-id"`).
 * - The `Receipt` lists every part's id, the total price, the remaining balance after the last part, and the
 *   network.
 * - A refused part becomes the `ChannelError` of its status code (`VonageSmsCodes`); when only some parts were
 *   accepted, the error says exactly which parts went out (their ids) and which were refused, with which codes.
 * - Retryable errors (`RateLimited`, `ProviderUnavailable`) are retried with exponential backoff, honouring a
 *   retry-after (`Channel.make`'s retry policy; `retry: false` turns it off).
 *
 * @example
 * ```ts
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Content, Message, Recipient } from "@switchboard/core"
 * import { VonageSmsChannel, VonageSmsClient } from "@switchboard/vonage-sms"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const SmsLive = VonageSmsChannel.layer({ sender: "Acme", callback: "https://example.com/webhooks/sms" }).pipe(
 *   Layer.provide(VonageSmsClient.layer({
 *     mode: "direct",
 *     authentication: { type: "basic", apiKey: "abcd1234", apiSecret: Redacted.make("my-api-secret") }
 *   })),
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 *
 * const program = Effect.gen(function*() {
 *   const sms = yield* VonageSmsChannel.VonageSmsChannel
 *   const recipient = yield* Recipient.fromPhone("+447700900000")
 *   const message = yield* Message.make({ recipient, content: Content.text("Your code is 123456") })
 *   return yield* sms.send(message) // Receipt with one provider id per part
 * }).pipe(Effect.provide(SmsLive))
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { Capabilities, Channel, ChannelError, type Message, Receipt, Sms } from "@switchboard/core"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Http from "./internal/http.js"
import * as VonageSmsClient from "./VonageSmsClient.js"
import * as VonageSmsCodes from "./VonageSmsCodes.js"

/**
 * The channel id unless told otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultChannel = "sms.vonage"

/**
 * The longest text the channel accepts, in characters. Vonage cuts long text into parts itself and refuses
 * text that is too long with status 12 (Message Too Long); its API reference gives no number, and 3200 is the
 * limit the simulator applies. Longer text fails with `InvalidMessage` before any request.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxTextLength = 3200

/**
 * The most octets of `udh` and `body` a binary SMS can carry.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxBinaryOctets = 140

/**
 * Vonage's `ttl` range, in milliseconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const ttlRange = { min: 20_000, max: 604_800_000 } as const

/**
 * The prefix of the metadata keys that set advanced fields per message.
 *
 * @since 0.1.0
 * @category constants
 */
export const metadataPrefix = "vonage-sms."

/**
 * The retry policy unless told otherwise: 3 attempts, 1 s then 2 s (or the retry-after, if longer).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultRetry: Channel.RetryPolicy = { attempts: 3, initialDelay: "1 second", factor: 2, maxDelay: "30 seconds" }

/**
 * Vonage's advanced fields, as channel-wide defaults.
 *
 * @since 0.1.0
 * @category models
 */
export interface Advanced {
  /** Whether Vonage sends a delivery receipt (its default: yes). */
  readonly statusReportReq?: boolean | undefined
  /** The delivery receipt webhook for these messages, instead of the account's. At most 100 characters. */
  readonly callback?: string | undefined
  readonly messageClass?: 0 | 1 | 2 | 3 | undefined
  /** For binary messages without their own `protocolId`. */
  readonly protocolId?: number | undefined
  readonly accountRef?: string | undefined
  readonly entityId?: string | undefined
  readonly contentId?: string | undefined
  readonly poolId?: string | undefined
  readonly trustedNumber?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends Advanced {
  /** The channel id (default `sms.vonage`). */
  readonly channel?: string | undefined
  /** The sender (`from`) for messages without their own. */
  readonly sender?: string | undefined
  /** Retries of retryable errors; `false` for none. Default `defaultRetry`. */
  readonly retry?: Channel.RetryPolicy | false | undefined
}

/**
 * The capabilities of a Vonage SMS channel.
 *
 * @since 0.1.0
 * @category capabilities
 */
export const capabilities = (channel: string = defaultChannel): Capabilities.Capabilities =>
  Capabilities.make({
    channel,
    outbound: ["Text", "Binary"],
    inbound: ["Text", "Binary"],
    address: "phone",
    receipts: ["delivered"],
    maxTextLength
  })

/**
 * @since 0.1.0
 * @category tags
 */
export class VonageSmsChannel extends Context.Tag("@switchboard/vonage-sms/VonageSmsChannel")<
  VonageSmsChannel,
  Channel.Channel
>() {}

const FromBoolean = Schema.Literal("true", "false").pipe(
  Schema.transform(Schema.Boolean, { strict: true, decode: (s) => s === "true", encode: (b) => (b ? "true" : "false") })
)
const FromInt = Schema.compose(Schema.NumberFromString, Schema.Int)

const MetadataAdvanced = Schema.Struct({
  statusReportReq: Schema.optional(FromBoolean).pipe(Schema.fromKey(`${metadataPrefix}status-report-req`)),
  callback: Schema.optional(Schema.String).pipe(Schema.fromKey(`${metadataPrefix}callback`)),
  messageClass: Schema.optional(Schema.compose(Schema.NumberFromString, VonageSmsClient.MessageClass)).pipe(
    Schema.fromKey(`${metadataPrefix}message-class`)
  ),
  protocolId: Schema.optional(FromInt.pipe(Schema.between(0, 255))).pipe(Schema.fromKey(`${metadataPrefix}protocol-id`)),
  accountRef: Schema.optional(Schema.String).pipe(Schema.fromKey(`${metadataPrefix}account-ref`)),
  entityId: Schema.optional(Schema.String).pipe(Schema.fromKey(`${metadataPrefix}entity-id`)),
  contentId: Schema.optional(Schema.String).pipe(Schema.fromKey(`${metadataPrefix}content-id`)),
  poolId: Schema.optional(Schema.String).pipe(Schema.fromKey(`${metadataPrefix}pool-id`)),
  trustedNumber: Schema.optional(FromBoolean).pipe(Schema.fromKey(`${metadataPrefix}trusted-number`))
})

const decodeMetadata = Schema.decodeUnknown(MetadataAdvanced, { errors: "first", onExcessProperty: "ignore" })

// The requests `toRequest` builds are not validated by `SendRequest`'s constructor: the client validates every
// field when it encodes the request, before any I/O, and a field that fails is an `InvalidMessage`.
const unchecked = true

const numericSender = /^\+?\d+$/

const noMetadata: typeof MetadataAdvanced.Type = {}

const hasAdvancedMetadata = (metadata: Readonly<Record<string, string>> | undefined): boolean => {
  if (metadata === undefined) return false
  for (const key in metadata) {
    if (key.startsWith(metadataPrefix)) return true
  }
  return false
}

/**
 * Builds the request Vonage gets for a message, or says why it cannot be sent; no I/O.
 *
 * @since 0.1.0
 * @category requests
 */
export const toRequest = (
  message: Message.Message,
  to: string,
  options?: Options
): Effect.Effect<VonageSmsClient.SendRequest, ChannelError.InvalidMessage | ChannelError.UnsupportedContent> =>
  Effect.gen(function*() {
    const channel = options?.channel ?? defaultChannel
    const invalid = (field: string, text: string) =>
      Effect.fail(new ChannelError.InvalidMessage({ channel, field, message: text }))

    const from = message.sender ?? options?.sender
    if (from === undefined || from.trim().length === 0) {
      return yield* invalid("sender", `${channel} needs a sender: give the message one, or the channel a default`)
    }
    if (numericSender.test(from.trim())) {
      if (from.trim().replace("+", "").length > 15) {
        return yield* invalid("sender", `a numeric sender has at most 15 digits; "${from}" has more`)
      }
    } else if (from.replace(/\s/g, "").length > 11) {
      return yield* invalid("sender", `an alphanumeric sender has at most 11 characters; "${from}" has more`)
    }

    const metadata = !hasAdvancedMetadata(message.metadata) ? noMetadata : yield* Effect.mapError(
      decodeMetadata(message.metadata ?? {}),
      (error) =>
        new ChannelError.InvalidMessage({
          channel,
          field: "metadata",
          message: `invalid ${metadataPrefix}* metadata: ${error.message.split("\n").slice(0, 3).join(" ")}`
        })
    )
    const pick = <K extends keyof Advanced>(key: K): Advanced[K] => metadata[key] ?? options?.[key]

    const ttl = message.ttl === undefined ? undefined : Math.round(Duration.toMillis(message.ttl))
    if (ttl !== undefined && (ttl < ttlRange.min || ttl > ttlRange.max)) {
      return yield* invalid("ttl", `Vonage accepts a ttl from 20 seconds to 7 days; this one is ${ttl} ms`)
    }
    const callback = pick("callback")
    if (callback !== undefined && callback.length > 100) {
      return yield* invalid("callback", `Vonage accepts a callback URL of at most 100 characters (${callback.length})`)
    }

    const common = {
      from,
      to: to.replace(/^\+/, ""),
      clientRef: message.clientReference ?? message.id,
      ...(ttl === undefined ? {} : { ttl }),
      ...(pick("statusReportReq") === undefined ? {} : { statusReportReq: pick("statusReportReq")! }),
      ...(callback === undefined ? {} : { callback }),
      ...(pick("messageClass") === undefined ? {} : { messageClass: pick("messageClass")! }),
      ...(pick("accountRef") === undefined ? {} : { accountRef: pick("accountRef")! }),
      ...(pick("entityId") === undefined ? {} : { entityId: pick("entityId")! }),
      ...(pick("contentId") === undefined ? {} : { contentId: pick("contentId")! }),
      ...(pick("poolId") === undefined ? {} : { poolId: pick("poolId")! }),
      ...(pick("trustedNumber") === undefined ? {} : { trustedNumber: pick("trustedNumber")! })
    }

    const content = message.content
    switch (content._tag) {
      case "Text": {
        const { encoding } = Sms.analyze(content.text)
        return new VonageSmsClient.SendRequest({
          ...common,
          type: encoding === "UCS-2" ? "unicode" : "text",
          text: content.text
        }, unchecked)
      }
      case "Binary": {
        const octets = (content.body.length + (content.udh?.length ?? 0)) / 2
        if (octets > maxBinaryOctets) {
          return yield* invalid(
            "content.body",
            `a binary SMS carries at most ${maxBinaryOctets} octets of udh and body; this one has ${octets}`
          )
        }
        const protocolId = content.protocolId ?? pick("protocolId")
        return new VonageSmsClient.SendRequest({
          ...common,
          type: "binary",
          body: content.body,
          ...(content.udh === undefined ? {} : { udh: content.udh }),
          ...(protocolId === undefined ? {} : { protocolId })
        }, unchecked)
      }
      default:
        return yield* Effect.fail(
          new ChannelError.UnsupportedContent({
            channel,
            content: content._tag,
            message: `${channel} sends Text and Binary content, not ${content._tag}`
          })
        )
    }
  })

const isAmount = Schema.is(Receipt.Amount)

const decimals = (amount: string): number => amount.split(".")[1]?.length ?? 0

/**
 * Adds decimal amounts exactly (`"0.0333" + "0.0333"` is `"0.0666"`).
 *
 * @since 0.1.0
 * @category receipts
 */
export const sumAmounts = (amounts: ReadonlyArray<string>): string | undefined => {
  if (amounts.length === 0 || !amounts.every(isAmount)) return undefined
  const scale = Math.max(...amounts.map(decimals))
  const scaled = (amount: string) => {
    const negative = amount.startsWith("-")
    const [whole, fraction = ""] = amount.replace("-", "").split(".")
    const value = BigInt(`${whole}${fraction.padEnd(scale, "0")}`)
    return negative ? -value : value
  }
  const total = amounts.reduce((sum, amount) => sum + scaled(amount), 0n)
  const negative = total < 0n
  const digits = (negative ? -total : total).toString().padStart(scale + 1, "0")
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`
  return negative ? `-${text}` : text
}

/**
 * Turns Vonage's answer into a `Receipt` (every part accepted) or the error of the first refused part; when
 * some parts were accepted, the error says which (ids) and which were refused (codes), so nobody mistakes a
 * partly sent message for an unsent one.
 *
 * @since 0.1.0
 * @category receipts
 */
export const toReceipt = (
  channel: string,
  message: Message.Message,
  response: VonageSmsClient.SendResponse
): Effect.Effect<Receipt.Receipt, ChannelError.ChannelError> =>
  Effect.gen(function*() {
    const parts = response.messages
    const accepted = parts.filter((part): part is VonageSmsClient.AcceptedPart => part.accepted)
    const refused = parts
      .map((part, index) => ({ part, number: index + 1 }))
      .filter((entry): entry is { part: VonageSmsClient.RefusedPart; number: number } => !entry.part.accepted)
    const firstRefused = refused[0]
    if (firstRefused !== undefined) {
      const refusals = refused.map(({ number, part }) =>
        `part ${number} of ${parts.length}: status ${part.status}${part.errorText === undefined ? "" : ` "${part.errorText}"`}`
      ).join(", ")
      const detail = accepted.length === 0
        ? parts.length > 1 ? `no part was accepted (${refusals})` : undefined
        : `partial failure: ${accepted.length} of ${parts.length} parts were accepted (ids ${
          accepted.map((part) => part.messageId).join(", ")
        }, price ${sumAmounts(accepted.flatMap((p) => p.messagePrice === undefined ? [] : [p.messagePrice])) ?? "unknown"}) ` +
          `and ${refused.length} refused (${refusals})`
      return yield* Effect.fail(
        VonageSmsCodes.toError({ channel, status: firstRefused.part.status, errorText: firstRefused.part.errorText, detail })
      )
    }
    const [first, ...rest] = accepted
    if (first === undefined) {
      return yield* Effect.fail(
        new ChannelError.ProviderUnavailable({ channel, message: "Vonage answered without any message part" })
      )
    }
    const prices = accepted.flatMap((part) => (part.messagePrice === undefined ? [] : [part.messagePrice]))
    const price = prices.length === accepted.length ? sumAmounts(prices) : undefined
    const last = rest.length === 0 ? first : rest[rest.length - 1]!
    const balance = last.remainingBalance
    const acceptedAt = yield* DateTime.now
    // every field comes from the decoded answer (ids are non-empty strings), the message, or is checked here
    return new Receipt.Receipt({
      channel,
      messageId: message.id,
      providerMessageIds: [first.messageId, ...rest.map((part) => part.messageId)],
      parts: accepted.length,
      acceptedAt,
      ...(price === undefined ? {} : { price }),
      ...(balance !== undefined && isAmount(balance) ? { remainingBalance: balance } : {}),
      ...(first.network === undefined || first.network.length === 0 ? {} : { network: first.network })
    }, true)
  })

/**
 * The provider half of the channel (for `Channel.make`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const provider = (
  options?: Options
): Effect.Effect<Channel.Provider, never, VonageSmsClient.VonageSmsClient> =>
  Effect.map(VonageSmsClient.VonageSmsClient, (client) => {
    const channel = options?.channel ?? defaultChannel
    return {
      capabilities: capabilities(channel),
      validate: (message, to) => Effect.asVoid(toRequest(message, to, options)),
      send: (message, to) =>
        Effect.gen(function*() {
          const request = yield* toRequest(message, to, options)
          const response = yield* Effect.mapError(client.send(request), (error) => Http.withChannel(error, channel))
          return yield* toReceipt(channel, message, response)
        }).pipe(
          Effect.withSpan("VonageSmsChannel.send", { captureStackTrace: false, attributes: { "message.id": message.id } })
        )
    }
  })

/**
 * The channel, over the `VonageSmsClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): Effect.Effect<Channel.Channel, never, VonageSmsClient.VonageSmsClient> =>
  Effect.flatMap(provider(options), (p) =>
    Channel.make(p, options?.retry === false ? undefined : { retry: options?.retry ?? defaultRetry }))

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<VonageSmsChannel, never, VonageSmsClient.VonageSmsClient> =>
  Layer.effect(VonageSmsChannel, make(options))

/**
 * The channel over a client configured from the environment (`VonageSmsClient.layerConfig`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options?: Options
): Layer.Layer<VonageSmsChannel, ConfigError.ConfigError, HttpClient.HttpClient> =>
  layer(options).pipe(Layer.provide(VonageSmsClient.layerConfig))
