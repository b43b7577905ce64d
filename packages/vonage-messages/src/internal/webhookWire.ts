/**
 * Wire formats of the Messages API webhooks (status and inbound), v1 and v0.1. Only the envelope is decoded
 * strictly; content objects are read by hand so that content Switchboard cannot represent becomes
 * `Unsupported` instead of failing the whole webhook (which the provider would retry forever).
 *
 * @internal
 */
import * as Schema from "effect/Schema"

const optional = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

const messageUuid = Schema.propertySignature(Schema.NonEmptyString).pipe(Schema.fromKey("message_uuid"))
const clientRef = optional(Schema.Unknown).pipe(Schema.fromKey("client_ref"))

/** `usage`: `price` is a stringified number, `currency` ISO 4217. */
export const Usage = Schema.Struct({
  currency: optional(Schema.Unknown),
  price: optional(Schema.Unknown)
})

/** v1: `from`/`to` are plain strings and `channel` names the channel. */
export const V1Status = Schema.Struct({
  messageUuid,
  channel: Schema.String,
  to: Schema.String,
  from: Schema.String,
  timestamp: Schema.DateTimeUtc,
  status: Schema.String,
  error: optional(Schema.Struct({
    type: optional(Schema.Unknown),
    title: optional(Schema.Unknown),
    detail: optional(Schema.Unknown),
    instance: optional(Schema.Unknown)
  })),
  usage: optional(Usage),
  clientRef
})

/** @internal */
export type V1Status = typeof V1Status.Type

/** v1 inbound: the content sits at the top level next to `message_type` (absent for SMS, which is text). */
export const V1Inbound = Schema.Struct({
  messageUuid,
  channel: Schema.String,
  to: Schema.String,
  from: Schema.String,
  timestamp: Schema.DateTimeUtc,
  messageType: optional(Schema.String).pipe(Schema.fromKey("message_type")),
  context: optional(Schema.Struct({
    messageUuid: optional(Schema.Unknown).pipe(Schema.fromKey("message_uuid"))
  })),
  sms: optional(Schema.Struct({
    keyword: optional(Schema.Unknown)
  })),
  providerMessage: optional(Schema.Unknown).pipe(Schema.fromKey("provider_message"))
})

/** @internal */
export type V1Inbound = typeof V1Inbound.Type

/** v0.1 `{type, number}` or `{type, id}`. */
export const V01Endpoint = Schema.Struct({
  type: Schema.String,
  number: optional(Schema.Unknown),
  id: optional(Schema.Unknown)
})

/** @internal */
export type V01Endpoint = typeof V01Endpoint.Type

/** v0.1 status: `error` is `{code, reason}`. */
export const V01Status = Schema.Struct({
  messageUuid,
  to: V01Endpoint,
  from: V01Endpoint,
  timestamp: Schema.DateTimeUtc,
  status: Schema.String,
  error: optional(Schema.Struct({
    code: optional(Schema.Unknown),
    reason: optional(Schema.Unknown)
  })),
  usage: optional(Usage),
  clientRef
})

/** @internal */
export type V01Status = typeof V01Status.Type

/** v0.1 inbound: the content is `message.content`, typed by `message.content.type`. */
export const V01Inbound = Schema.Struct({
  messageUuid,
  to: V01Endpoint,
  from: V01Endpoint,
  timestamp: Schema.DateTimeUtc,
  message: Schema.Struct({
    content: Schema.Struct({ type: Schema.String }),
    sms: optional(Schema.Struct({ keyword: optional(Schema.Unknown) }))
  })
})

/** @internal */
export type V01Inbound = typeof V01Inbound.Type
