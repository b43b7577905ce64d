/**
 * The reference provider's status callbacks: it POSTs one JSON `StatusCallback` per message part to the
 * URL the account configured, signed with HMAC-SHA256 over the raw body in the `x-inmemory-signature`
 * header (`sha256=<hex>`). `parser` verifies the signature (always, in constant time) and turns the
 * callback into a `Status.StatusUpdate`; `sign` and `callback` build such requests, which is what
 * `InMemoryProvider` does when a test reports a status.
 *
 * @example
 * ```ts
 * import { InMemoryWebhook } from "@switchboard/testing"
 * import { Effect, Redacted } from "effect"
 *
 * const secret = Redacted.make("whsec-example-0123456789")
 * const parse = InMemoryWebhook.parser({ secret, channel: "sms.inmemory" })
 *
 * const request = InMemoryWebhook.callback(secret, "https://example.com/webhooks/inmemory", {
 *   messageId: "im-000001",
 *   clientRef: "order-1234",
 *   status: "delivered",
 *   timestamp: "2026-01-01T10:00:00.000Z"
 * })
 * const program = parse(request) // Effect<[StatusUpdate { state: "delivered", ... }], WebhookError>
 * ```
 *
 * @since 0.1.0
 */
import { Message, Status, Webhook } from "@switchboard/core"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { createHmac, timingSafeEqual } from "node:crypto"

/**
 * The states the provider reports.
 *
 * @since 0.1.0
 * @category wire
 */
export const CallbackStatus = Schema.Literal(
  "submitted",
  "delivered",
  "read",
  "rejected",
  "undeliverable",
  "expired",
  "failed"
)

/**
 * One status callback, as the provider sends it.
 *
 * @since 0.1.0
 * @category wire
 */
export const StatusCallback = Schema.Struct({
  messageId: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("message_id")),
  clientRef: Schema.optional(Schema.String).pipe(Schema.fromKey("client_ref")),
  status: CallbackStatus,
  timestamp: Schema.String,
  to: Schema.optional(Schema.String),
  errorCode: Schema.optional(Schema.String).pipe(Schema.fromKey("error_code")),
  errorText: Schema.optional(Schema.String).pipe(Schema.fromKey("error_text")),
  price: Schema.optional(Schema.String),
  currency: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category wire
 */
export type StatusCallback = typeof StatusCallback.Type

const DecodedCallback = Schema.Struct({
  ...StatusCallback.fields,
  timestamp: Schema.DateTimeUtc
})

/**
 * The header carrying the signature.
 *
 * @since 0.1.0
 * @category constants
 */
export const signatureHeader = "x-inmemory-signature"

/**
 * The signature of a raw body: `sha256=` and the hex HMAC-SHA256 of the body under the secret.
 *
 * @since 0.1.0
 * @category signing
 */
export const sign = (secret: Redacted.Redacted, body: string): string =>
  `sha256=${createHmac("sha256", Redacted.value(secret) as string).update(body, "utf8").digest("hex")}`

/**
 * Whether `signature` is the body's signature, compared in constant time.
 *
 * @since 0.1.0
 * @category signing
 */
export const verify = (secret: Redacted.Redacted, body: string, signature: string): boolean => {
  const expected = Buffer.from(sign(secret, body), "utf8")
  const given = Buffer.from(signature.trim(), "utf8")
  return expected.length === given.length && timingSafeEqual(expected, given)
}

/**
 * A signed callback request, as the provider would POST it to `url`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const callback = (secret: Redacted.Redacted, url: string, payload: StatusCallback): Webhook.Request => {
  const body = JSON.stringify(Schema.encodeSync(StatusCallback)(payload))
  return {
    method: "POST",
    url,
    headers: { "content-type": "application/json", [signatureHeader]: sign(secret, body) },
    body
  }
}

const toUpdate = (channel: string, callback: typeof DecodedCallback.Type): Status.StatusUpdate => {
  const messageId = callback.clientRef === undefined
    ? Option.none()
    : Schema.decodeUnknownOption(Message.MessageId)(callback.clientRef)
  return new Status.StatusUpdate({
    channel,
    providerMessageId: callback.messageId,
    state: callback.status,
    at: callback.timestamp,
    ...Option.match(messageId, { onNone: () => ({}), onSome: (id) => ({ messageId: id }) }),
    ...(callback.errorCode === undefined ? {} : { providerCode: callback.errorCode }),
    ...(callback.errorText === undefined ? {} : { providerText: callback.errorText }),
    ...(callback.price === undefined ? {} : { price: callback.price }),
    ...(callback.currency === undefined ? {} : { currency: callback.currency }),
    ...(callback.to === undefined ? {} : { recipient: callback.to })
  })
}

const decodeCallback = Webhook.decode(DecodedCallback, "status callback")

/**
 * The webhook parser for status callbacks: `POST` only, signature required, JSON body.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parser = (options: {
  readonly secret: Redacted.Redacted
  /** The channel id stamped on the updates; `sms.inmemory` by default. */
  readonly channel?: string | undefined
}): Webhook.Parser =>
(request) =>
  Effect.gen(function*() {
    if (request.method.toUpperCase() !== "POST") {
      return yield* new Webhook.WebhookError({
        reason: "MethodNotAllowed",
        message: `status callbacks are POSTed, not sent with ${request.method}`
      })
    }
    const signature = Webhook.header(request, signatureHeader)
    if (signature === undefined) return yield* Webhook.unauthorized(`the ${signatureHeader} header is missing`)
    if (!verify(options.secret, request.body, signature)) {
      return yield* Webhook.unauthorized(`the ${signatureHeader} signature does not match the body`)
    }
    const decoded = yield* Effect.flatMap(Webhook.json(request), decodeCallback)
    return [toUpdate(options.channel ?? "sms.inmemory", decoded)]
  }).pipe(Effect.withSpan("InMemoryWebhook.parse"))
