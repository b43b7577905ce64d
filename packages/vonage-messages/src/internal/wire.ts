/**
 * Wire formats of the Messages API send call, in both shapes: v1 (`POST /v1/messages`, flat,
 * `message_type` + `channel`) and v0.1 (`POST /v0.1/messages`, `{from:{type,…}, to:{…}, message:{content:{…}}}`).
 * The Type side is camel-cased; `Schema.fromKey` gives each field its wire name.
 *
 * @internal
 */
import * as Schema from "effect/Schema"

const optional = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

// ---------------------------------------------------------------------------------------------------------
// v1
// ---------------------------------------------------------------------------------------------------------

const V1Media = Schema.Struct({
  url: Schema.String,
  caption: optional(Schema.String),
  name: optional(Schema.String)
})

/** The v1 request body. */
export const V1Request = Schema.Struct({
  messageType: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("message_type")),
  channel: Schema.String,
  to: Schema.String,
  from: Schema.String,
  clientRef: optional(Schema.String).pipe(Schema.fromKey("client_ref")),
  text: optional(Schema.String),
  image: optional(V1Media),
  audio: optional(V1Media),
  video: optional(V1Media),
  file: optional(V1Media),
  template: optional(Schema.Struct({
    name: Schema.String,
    parameters: optional(Schema.Array(Schema.String))
  })),
  custom: optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  whatsapp: optional(Schema.Struct({
    policy: optional(Schema.Literal("deterministic")),
    locale: Schema.String
  })),
  viberService: optional(Schema.Struct({
    category: optional(Schema.Literal("transaction", "promotion")),
    ttl: optional(Schema.Int),
    type: optional(Schema.String)
  })).pipe(Schema.fromKey("viber_service")),
  messenger: optional(Schema.Struct({
    category: optional(Schema.Literal("response", "update", "message_tag")),
    tag: optional(Schema.String)
  }))
})

/** @internal */
export type V1Request = typeof V1Request.Type

// ---------------------------------------------------------------------------------------------------------
// v0.1
// ---------------------------------------------------------------------------------------------------------

/** `{type, number}` or `{type, id}`. */
export const V01Endpoint = Schema.Struct({
  type: Schema.String,
  number: optional(Schema.String),
  id: optional(Schema.String)
})

const V01Media = Schema.Struct({
  url: Schema.String,
  caption: optional(Schema.String),
  name: optional(Schema.String)
})

/**
 * Template parameters: strings (the v0.1 definition, Viber) or `{"default": "…"}` objects (WhatsApp through KPN,
 * as the KPN guide sends them).
 */
export const V01TemplateParameters = Schema.Union(
  Schema.Array(Schema.String),
  Schema.Array(Schema.Struct({ default: Schema.String }))
)

const V01Content = Schema.Struct({
  type: Schema.String,
  text: optional(Schema.String),
  image: optional(V01Media),
  audio: optional(V01Media),
  video: optional(V01Media),
  file: optional(V01Media),
  template: optional(Schema.Struct({
    name: Schema.String,
    parameters: optional(V01TemplateParameters)
  })),
  custom: optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})

/** The v0.1 request body. */
export const V01Request = Schema.Struct({
  from: V01Endpoint,
  to: V01Endpoint,
  message: Schema.Struct({
    content: V01Content,
    whatsapp: optional(Schema.Struct({
      policy: optional(Schema.Literal("deterministic")),
      locale: Schema.String
    })),
    viberServiceMsg: optional(Schema.Struct({
      category: optional(Schema.Literal("transaction", "promotion")),
      ttl: optional(Schema.Int),
      type: optional(Schema.String)
    })).pipe(Schema.fromKey("viber_service_msg")),
    messenger: optional(Schema.Struct({
      category: optional(Schema.Literal("response", "update", "message_tag")),
      tag: optional(Schema.String)
    }))
  }),
  clientRef: optional(Schema.String).pipe(Schema.fromKey("client_ref"))
})

/** @internal */
export type V01Request = typeof V01Request.Type

// ---------------------------------------------------------------------------------------------------------
// responses
// ---------------------------------------------------------------------------------------------------------

/** `202 {message_uuid}` (v1 may add `workflow_id` for failover sends). */
export const Accepted = Schema.Struct({
  messageUuid: Schema.propertySignature(Schema.NonEmptyString).pipe(Schema.fromKey("message_uuid")),
  workflowId: optional(Schema.String).pipe(Schema.fromKey("workflow_id"))
})

/** RFC 7807 (v1), `{code, reason}` (v0.1) and Apigee's fault (KPN's gateway), all optional. */
export const ErrorBody = Schema.Struct({
  type: optional(Schema.Unknown),
  title: optional(Schema.Unknown),
  detail: optional(Schema.Unknown),
  instance: optional(Schema.Unknown),
  invalidParameters: optional(Schema.Unknown).pipe(Schema.fromKey("invalid_parameters")),
  code: optional(Schema.Unknown),
  reason: optional(Schema.Unknown),
  fault: optional(Schema.Unknown)
})

/** @internal */
export type ErrorBody = typeof ErrorBody.Type
