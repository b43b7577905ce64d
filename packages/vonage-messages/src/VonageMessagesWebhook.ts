/**
 * The Messages API's webhooks — message status (`status_url`) and inbound messages (`inbound_url`) — in both
 * shapes, verified and decoded into Switchboard events.
 *
 * - **v1** (Vonage direct): Vonage signs every webhook with `Authorization: Bearer <JWT>` (HS256 with the
 *   account's signature secret, `payload_hash` = SHA-256 of the raw body). `parse` verifies it before reading
 *   the body; turning verification off must be said explicitly (`verifySignature: false`).
 * - **v0.1** (through KPN): unsigned, `from`/`to` are `{type, number|id}` objects and inbound content sits in
 *   `message.content`.
 *
 * A status webhook (`submitted`, `delivered`, `read`, `rejected`, `undeliverable`, with `error`, `usage` and
 * `client_ref`) becomes a `StatusUpdate`: the error's code (`error.title` in v1, a number or a string;
 * `error.code` in v0.1) is kept as `providerCode`, its text as `providerText`, `usage` as price and currency, and
 * `client_ref` as the message id when it is one. An inbound webhook becomes an `InboundMessage` with text, image,
 * audio, video, file, location, template, `Custom` (interactive replies, button replies and orders, passed
 * through) or `Unsupported` content; media whose URL is not an http(s) URL and locations out of range are
 * `Unsupported` with a description, so such a message is still recorded (and still opens WhatsApp's
 * customer-care window). Channels are reported as `whatsapp`, `viber`, `messenger`, `sms.vonage-messages` and
 * `mms.vonage-messages`.
 *
 * Nothing here throws: a wrong method is `MethodNotAllowed` (405), a bad signature `Unauthorized` (401), and
 * anything unreadable `Malformed` (400).
 *
 * @example
 * ```ts
 * import { VonageMessagesWebhook } from "@switchboard/vonage-messages"
 * import { WebhookHttp } from "@switchboard/core"
 * import { HttpRouter } from "@effect/platform"
 * import { Effect, Redacted } from "effect"
 *
 * // Vonage direct (v1): signed
 * const v1 = VonageMessagesWebhook.parser({ api: "v1", signatureSecret: Redacted.make("my-signature-secret") })
 * // through KPN (v0.1): unsigned
 * const kpn = VonageMessagesWebhook.parser({ api: "v0.1" })
 *
 * const router = HttpRouter.empty.pipe(
 *   WebhookHttp.mount("/webhooks/messages/status", v1, (events) => Effect.log(`${events.length} statuses`)),
 *   WebhookHttp.mount("/webhooks/messages/inbound", v1, (events) => Effect.log(`${events.length} messages`)),
 *   WebhookHttp.mount("/webhooks/kpn/messages", kpn, (events) => Effect.log(`${events.length} events`))
 * )
 * ```
 *
 * @since 0.1.0
 */
import { MessagesWebhookJwt, SignatureError } from "@switchboard/auth"
import * as Content from "@switchboard/core/Content"
import { InboundMessage } from "@switchboard/core/InboundMessage"
import { MessageId } from "@switchboard/core/Message"
import { Amount } from "@switchboard/core/Receipt"
import { type State, StatusUpdate } from "@switchboard/core/Status"
import * as Webhook from "@switchboard/core/Webhook"
import type * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as ErrorCode from "./ErrorCode.js"
import * as Wire from "./internal/webhookWire.js"
import { channelId, type MessagesChannel } from "./VonageMessagesClient.js"

/**
 * How to read webhooks:
 * - `{ api: "v1", signatureSecret }`: verify Vonage's JWT (the default and recommended form); `toleranceSeconds`
 *   bounds the token's age (default 300), `applicationId` pins the application;
 * - `{ api: "v1", verifySignature: false }`: accept unsigned v1 webhooks (only behind something else that
 *   authenticates them);
 * - `{ api: "v0.1" }`: the unsigned v0.1 shape KPN's gateway delivers.
 *
 * @since 0.1.0
 * @category models
 */
export type Options =
  | {
    readonly api: "v1"
    readonly signatureSecret: Redacted.Redacted<string>
    readonly toleranceSeconds?: number | undefined
    readonly applicationId?: string | undefined
  }
  | { readonly api: "v1"; readonly verifySignature: false }
  | { readonly api: "v0.1" }

// ---------------------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------------------

type Json = Readonly<Record<string, unknown>>

const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const stringOf = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim().length > 0 ? value : undefined

const channelNames: Readonly<Record<string, MessagesChannel>> = {
  whatsapp: "whatsapp",
  viber_service: "viber",
  viber_service_msg: "viber",
  messenger: "messenger",
  sms: "sms",
  mms: "mms"
}

/**
 * The Switchboard channel id for a channel name as the Messages API writes it (`viber_service`,
 * `viber_service_msg`, `whatsapp`, …); an unknown name `x` is reported as `x.vonage-messages`.
 *
 * @since 0.1.0
 * @category getters
 */
export const channelOf = (name: string): string => {
  const known = Object.prototype.hasOwnProperty.call(channelNames, name) ? channelNames[name] : undefined
  return known === undefined ? `${name}.vonage-messages` : channelId(known)
}

const states: Readonly<Record<string, State>> = {
  submitted: "submitted",
  delivered: "delivered",
  read: "read",
  rejected: "rejected",
  undeliverable: "undeliverable"
}

const stateOf = (status: string): State =>
  Object.prototype.hasOwnProperty.call(states, status) ? states[status]! : "unknown"

const decodeMessageId = Schema.decodeUnknownOption(MessageId)
const decodeAmount = Schema.decodeUnknownOption(Amount)

const fragmentOf = (value: unknown): string | undefined => {
  const type = stringOf(value)
  if (type === undefined || !type.includes("#")) return undefined
  const fragment = type.slice(type.lastIndexOf("#") + 1)
  return fragment.length > 0 ? fragment : undefined
}

const validUrl = (value: unknown): string | undefined => {
  const url = stringOf(value)?.trim()
  return url !== undefined && /^https?:\/\/\S+$/i.test(url) ? url : undefined
}

const numberOf = (value: unknown): number | undefined => {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined
  if (typeof value === "string" && value.trim().length > 0) {
    const n = Number(value)
    return Number.isFinite(n) ? n : undefined
  }
  return undefined
}

const unsupported = (description: string): Content.Unsupported => new Content.Unsupported({ description })

const media = (type: "image" | "audio" | "video" | "file" | "vcard", value: unknown): Content.Inbound => {
  const body = isRecord(value) ? value : {}
  const url = validUrl(body.url)
  if (url === undefined) {
    const raw = stringOf(body.url)
    return unsupported(raw === undefined ? `${type} without a url` : `${type} with a url that is not http(s): ${raw}`)
  }
  const caption = stringOf(body.caption)
  const name = stringOf(body.name)
  const options = {
    ...(caption === undefined ? {} : { caption }),
    ...(name === undefined ? {} : { name })
  }
  switch (type) {
    case "image":
      return new Content.Image({ url, ...(caption === undefined ? {} : { caption }) })
    case "audio":
      return new Content.Audio({ url, ...(caption === undefined ? {} : { caption }) })
    case "video":
      return new Content.Video({ url, ...(caption === undefined ? {} : { caption }) })
    case "file":
    case "vcard":
      return new Content.File({ url, ...options })
  }
}

const location = (value: unknown): Content.Inbound => {
  const body = isRecord(value) ? value : {}
  const latitude = numberOf(body.lat ?? body.latitude)
  const longitude = numberOf(body.long ?? body.longitude)
  if (latitude === undefined || longitude === undefined) return unsupported("location without coordinates")
  if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) {
    return unsupported(`location out of range: ${latitude}, ${longitude}`)
  }
  const name = stringOf(body.name)
  const address = stringOf(body.address)
  const url = stringOf(body.url)
  return new Content.Location({
    latitude,
    longitude,
    ...(name === undefined ? {} : { name }),
    ...(address === undefined ? {} : { address }),
    ...(url === undefined ? {} : { url })
  })
}

const template = (value: unknown): Content.Inbound => {
  const body = isRecord(value) ? value : {}
  const name = stringOf(body.name)?.trim()
  if (name === undefined) return unsupported("template without a name")
  const parameters = Array.isArray(body.parameters)
    ? body.parameters.flatMap((parameter: unknown) =>
      typeof parameter === "string"
        ? [parameter]
        : isRecord(parameter) && typeof parameter.default === "string"
        ? [parameter.default]
        : []
    )
    : []
  return new Content.Template({ name, parameters })
}

/** The content of an inbound message of type `type` whose fields are in `body`. */
const contentOf = (type: string, body: Json, description: string | undefined): Content.Inbound => {
  switch (type) {
    case "text": {
      const text = typeof body.text === "string" ? body.text : undefined
      return text === undefined || text.length === 0 ? unsupported("text without text") : new Content.Text({ text })
    }
    case "image":
    case "audio":
    case "video":
    case "file":
    case "vcard":
      return media(type, body[type])
    case "location":
      return location(body.location)
    case "template":
      return template(body.template)
    case "unsupported":
      return description === undefined ? new Content.Unsupported({}) : unsupported(description)
    default: {
      // interactive replies (`reply`), template button replies (`button`), orders, …: passed through
      const payload = Object.prototype.hasOwnProperty.call(body, type) ? body[type] : undefined
      return isRecord(payload)
        ? new Content.Custom({ payload: { message_type: type, [type]: payload } })
        : unsupported(`message type ${type}`)
    }
  }
}

const endpointAddress = (endpoint: Wire.V01Endpoint): string | undefined =>
  stringOf(endpoint.number) ?? stringOf(endpoint.id)

const statusUpdate = (fields: {
  readonly channel: string
  readonly messageUuid: string
  readonly status: string
  readonly at: DateTime.Utc
  readonly code: number | undefined
  readonly slug: string | undefined
  readonly text: string | undefined
  readonly usage: typeof Wire.Usage.Type | undefined
  readonly clientRef: unknown
  readonly recipient: string | undefined
}): StatusUpdate => {
  const state = stateOf(fields.status)
  const providerCode = fields.code !== undefined ? String(fields.code) : fields.slug
  const providerText = fields.text ?? (fields.code === undefined ? undefined : ErrorCode.title(fields.code)) ??
    (state === "unknown" ? fields.status : undefined)
  const messageId = decodeMessageId(fields.clientRef)
  const price = decodeAmount(fields.usage?.price)
  const currency = stringOf(fields.usage?.currency)
  return new StatusUpdate({
    channel: fields.channel,
    providerMessageId: fields.messageUuid,
    state,
    at: fields.at,
    ...(Option.isSome(messageId) ? { messageId: messageId.value } : {}),
    ...(providerCode === undefined ? {} : { providerCode }),
    ...(providerText === undefined ? {} : { providerText }),
    ...(Option.isSome(price) ? { price: price.value } : {}),
    ...(currency === undefined ? {} : { currency }),
    ...(fields.recipient === undefined ? {} : { recipient: fields.recipient })
  })
}

// ---------------------------------------------------------------------------------------------------------
// v1
// ---------------------------------------------------------------------------------------------------------

/** Builds an event; a value the model refuses is a malformed webhook, never a defect. */
const build = <A extends Webhook.Event>(what: string) => (thunk: () => A): Effect.Effect<A, Webhook.WebhookError> =>
  Effect.try({
    try: thunk,
    catch: (error) =>
      Webhook.malformed(`${what}: ${error instanceof Error ? error.message.split("\n")[0] : "invalid values"}`)
  })

const v1Status = (json: Json) =>
  Effect.flatMap(Webhook.decode(Wire.V1Status, "a v1 message status webhook")(json), (status) => build("a v1 message status webhook")(() => {
    const error = status.error
    const code = error === undefined ? undefined : ErrorCode.parse(error.title) ?? ErrorCode.parse(error.type)
    const text = error === undefined
      ? undefined
      : stringOf(error.detail) ?? (ErrorCode.parse(error.title) === undefined ? stringOf(error.title) : undefined)
    return statusUpdate({
      channel: channelOf(status.channel),
      messageUuid: status.messageUuid,
      status: status.status,
      at: status.timestamp,
      code,
      slug: error === undefined ? undefined : fragmentOf(error.type),
      text,
      usage: status.usage,
      clientRef: status.clientRef,
      recipient: status.to
    })
  }))

const v1Inbound = (json: Json) =>
  Effect.flatMap(Webhook.decode(Wire.V1Inbound, "a v1 inbound message webhook")(json), (inbound) => build("a v1 inbound message webhook")(() => {
    const type = inbound.messageType ?? "text"
    const keyword = stringOf(inbound.sms?.keyword)
    const inReplyTo = stringOf(inbound.context?.messageUuid)
    return new InboundMessage({
      channel: channelOf(inbound.channel),
      providerMessageId: inbound.messageUuid,
      from: inbound.from,
      to: inbound.to,
      content: contentOf(type, json, stringOf(inbound.providerMessage)),
      receivedAt: inbound.timestamp,
      ...(keyword === undefined ? {} : { keyword }),
      ...(inReplyTo === undefined ? {} : { inReplyTo })
    })
  }))

// ---------------------------------------------------------------------------------------------------------
// v0.1
// ---------------------------------------------------------------------------------------------------------

const v01Status = (json: Json) =>
  Effect.flatMap(Webhook.decode(Wire.V01Status, "a v0.1 message status webhook")(json), (status) => build("a v0.1 message status webhook")(() => {
    const error = status.error
    const code = error === undefined ? undefined : ErrorCode.parse(error.code)
    return statusUpdate({
      channel: channelOf(status.to.type),
      messageUuid: status.messageUuid,
      status: status.status,
      at: status.timestamp,
      code,
      slug: code === undefined && error !== undefined ? stringOf(error.code) : undefined,
      text: error === undefined ? undefined : stringOf(error.reason),
      usage: status.usage,
      clientRef: status.clientRef,
      recipient: endpointAddress(status.to)
    })
  }))

const v01Inbound = (json: Json) =>
  Effect.flatMap(Webhook.decode(Wire.V01Inbound, "a v0.1 inbound message webhook")(json), (inbound) => {
    const from = endpointAddress(inbound.from)
    const to = endpointAddress(inbound.to)
    if (from === undefined || to === undefined) {
      return Effect.fail(Webhook.malformed("a v0.1 inbound message webhook: from and to need a number or an id"))
    }
    const message = json.message as Json
    const content = message.content as Json
    const keyword = stringOf(inbound.message.sms?.keyword)
    return build("a v0.1 inbound message webhook")(() =>
      new InboundMessage({
        channel: channelOf(inbound.from.type),
        providerMessageId: inbound.messageUuid,
        from,
        to,
        content: contentOf(inbound.message.content.type, content, undefined),
        receivedAt: inbound.timestamp,
        ...(keyword === undefined ? {} : { keyword })
      })
    )
  })

// ---------------------------------------------------------------------------------------------------------
// parse
// ---------------------------------------------------------------------------------------------------------

const verify = (request: Webhook.Request, options: Options): Effect.Effect<void, Webhook.WebhookError> => {
  if (options.api !== "v1" || !("signatureSecret" in options)) return Effect.void
  return MessagesWebhookJwt.verify({
    authorization: Webhook.header(request, "authorization"),
    body: request.body,
    secret: options.signatureSecret,
    toleranceSeconds: options.toleranceSeconds,
    applicationId: options.applicationId
  }).pipe(Effect.mapError(SignatureError.toWebhookError))
}

/**
 * Verifies a Messages API webhook (status or inbound) and decodes it into its one event.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (
  request: Webhook.Request,
  options: Options
): Effect.Effect<ReadonlyArray<Webhook.Event>, Webhook.WebhookError> =>
  Effect.gen(function*() {
    if (request.method.toUpperCase() !== "POST") {
      return yield* Effect.fail(
        new Webhook.WebhookError({
          reason: "MethodNotAllowed",
          message: `Messages API webhooks are POST requests, not ${request.method}`
        })
      )
    }
    yield* verify(request, options)
    const json = yield* Webhook.json(request)
    if (!isRecord(json)) return yield* Effect.fail(Webhook.malformed("the body is not a JSON object"))
    const isStatus = "status" in json
    const event: Webhook.Event = options.api === "v1"
      ? yield* (isStatus ? v1Status(json) : v1Inbound(json))
      : yield* (isStatus ? v01Status(json) : v01Inbound(json))
    return [event]
  }).pipe(Effect.withSpan("VonageMessagesWebhook.parse", { attributes: { "messages.api": options.api } }))

/**
 * `parse` with its options applied: a `Webhook.Parser` to mount with `WebhookHttp.mount`.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parser = (options: Options): Webhook.Parser => (request) => parse(request, options)
