/**
 * Vonage SMS webhooks: delivery receipts (DLRs) and inbound SMS, in each of the three ways Vonage sends them
 * (`GET` with a query string, `POST` with a form body, `POST` with a JSON body), into `StatusUpdate`s and
 * `InboundMessage`s.
 *
 * - A **delivery receipt** (it has a `status`) becomes a `StatusUpdate`: its `status` and `err-code` give the
 *   state (`VonageSmsCodes.dlrState`), `err-code` is kept as `providerCode`, the status and the code's name as
 *   `providerText`; `client-ref` (our message id, unless the caller set its own reference) is `messageId`;
 *   `price`, `network-code` and `msisdn` are kept. The time is `scts`, else `message-timestamp`, else
 *   `timestamp`, else now.
 * - An **inbound SMS** becomes an `InboundMessage`: `text` and `unicode` messages as `Text`, `binary` ones as
 *   `Binary` (`data` and `udh`, hexadecimal). The parts of a concatenated message (`concat-ref`,
 *   `concat-total`, `concat-part`) wait in the `ConcatStore` and are emitted once, as one message, when the
 *   last one arrives, whatever the order; copies are ignored. Sets still incomplete after the store's TTL
 *   come out of `sweep` / `incomplete` with `incomplete: true`.
 * - Verification is on by default: with a `signature` configured, every request must carry a valid `sig`
 *   (and a fresh `timestamp`) over all its parameters: unsigned, forged, stale and malformed requests fail
 *   with `Unauthorized` (401). Numbers and booleans in a JSON body are checked in their string form, as
 *   Vonage's SDKs do. Without a signature, the options must say `verification: "disabled"` (the type
 *   requires one or the other); otherwise every request is refused.
 *
 * Garbage never crashes the parser: anything it cannot read is a `Malformed` (400) `WebhookError`.
 *
 * @example
 * ```ts
 * import { HttpRouter } from "@effect/platform"
 * import { WebhookHttp } from "@switchboard/core"
 * import { ConcatStore, VonageSmsWebhook } from "@switchboard/vonage-sms"
 * import { Config, Effect, Layer, Stream } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const secret = yield* Config.redacted("VONAGE_SIGNATURE_SECRET")
 *   const parser = VonageSmsWebhook.parser({ signature: { secret, algorithm: "sha256" } })
 *   const router = HttpRouter.empty.pipe(
 *     WebhookHttp.mount("/webhooks/vonage-sms", parser, (events) => Effect.log(events))
 *   )
 *   // incomplete multi-part messages, once their parts have waited long enough
 *   yield* VonageSmsWebhook.incomplete().pipe(Stream.runForEach(Effect.log), Effect.forkScoped)
 *   return router
 * }).pipe(Effect.provide(ConcatStore.layerMemory()))
 * ```
 *
 * @since 0.1.0
 */
import { SignatureError, VonageSignature } from "@switchboard/auth"
import { Content, InboundMessage, Message, Receipt, Status, Webhook } from "@switchboard/core"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { ConcatStore, type ConcatStoreError, Part } from "./ConcatStore.js"
import * as VonageSmsCodes from "./VonageSmsCodes.js"

/**
 * The channel id events carry unless told otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultChannel = "sms.vonage"

/**
 * Verification of Vonage's `sig` on webhooks (set up under "Signed webhooks" in the Vonage dashboard).
 *
 * @since 0.1.0
 * @category models
 */
export interface SignatureOptions {
  readonly secret: Redacted.Redacted<string>
  readonly algorithm: VonageSignature.SignatureAlgorithm
  /** How far `timestamp` may be from now, in seconds. Default 300. */
  readonly toleranceSeconds?: number | undefined
}

/**
 * What every parser option set has.
 *
 * @since 0.1.0
 * @category models
 */
export interface CommonOptions {
  /** The channel id events carry. Default `sms.vonage`. */
  readonly channel?: string | undefined
}

/**
 * Verification is on unless turned off in so many words: either a `signature` (every request must be signed
 * with its secret), or `verification: "disabled"` (requests are accepted unsigned when no signature is
 * configured — tests, the simulator, a trusted network; a configured signature is always checked). Without
 * either, or with an empty secret and no opt-out, every request is refused with `Unauthorized`.
 *
 * @since 0.1.0
 * @category models
 */
export type Options =
  | CommonOptions & {
    readonly signature: SignatureOptions
    readonly verification?: "required" | "disabled" | undefined
  }
  | CommonOptions & {
    readonly signature?: SignatureOptions | undefined
    readonly verification: "disabled"
  }

/** A string, or a number sent where a string is documented (JSON bodies do that), as a string. */
const Stringish = Schema.Union(
  Schema.String,
  Schema.transform(Schema.Number, Schema.String, { strict: true, decode: String, encode: Number })
)

const Required = Stringish.pipe(Schema.compose(Schema.NonEmptyString))

/**
 * A delivery receipt as Vonage sends it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DeliveryReceipt = Schema.Struct({
  msisdn: Schema.optional(Stringish),
  to: Schema.optional(Stringish),
  networkCode: Schema.optional(Stringish).pipe(Schema.fromKey("network-code")),
  messageId: Required,
  price: Schema.optional(Stringish),
  status: Required,
  scts: Schema.optional(Stringish),
  errCode: Schema.optional(Stringish).pipe(Schema.fromKey("err-code")),
  apiKey: Schema.optional(Stringish).pipe(Schema.fromKey("api-key")),
  clientRef: Schema.optional(Stringish).pipe(Schema.fromKey("client-ref")),
  messageTimestamp: Schema.optional(Schema.Unknown).pipe(Schema.fromKey("message-timestamp")),
  timestamp: Schema.optional(Stringish),
  nonce: Schema.optional(Stringish),
  sig: Schema.optional(Stringish)
})

/**
 * @since 0.1.0
 * @category models
 */
export type DeliveryReceipt = typeof DeliveryReceipt.Type

/**
 * An inbound SMS (or one part of a concatenated one) as Vonage sends it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const InboundSms = Schema.Struct({
  apiKey: Schema.optional(Stringish).pipe(Schema.fromKey("api-key")),
  msisdn: Required,
  to: Required,
  messageId: Required,
  text: Schema.optional(Stringish),
  type: Schema.optional(Stringish),
  keyword: Schema.optional(Stringish),
  messageTimestamp: Schema.optional(Schema.Unknown).pipe(Schema.fromKey("message-timestamp")),
  timestamp: Schema.optional(Stringish),
  nonce: Schema.optional(Stringish),
  concat: Schema.optional(Stringish),
  concatRef: Schema.optional(Stringish).pipe(Schema.fromKey("concat-ref")),
  concatTotal: Schema.optional(Stringish).pipe(Schema.fromKey("concat-total")),
  concatPart: Schema.optional(Stringish).pipe(Schema.fromKey("concat-part")),
  data: Schema.optional(Stringish),
  udh: Schema.optional(Stringish),
  sig: Schema.optional(Stringish)
})

/**
 * @since 0.1.0
 * @category models
 */
export type InboundSms = typeof InboundSms.Type

const decodeReceipt = Webhook.decode(DeliveryReceipt, "delivery receipt")
const decodeInbound = Webhook.decode(InboundSms, "inbound SMS")
const decodeMessageId = Schema.decodeUnknownOption(Message.MessageId)
const isAmount = Schema.is(Receipt.Amount)

const has = (params: Record<string, unknown>, name: string): boolean =>
  Object.prototype.hasOwnProperty.call(params, name) && params[name] !== undefined

/**
 * What a request carries, judged by its parameters: a delivery receipt has a `status`, an inbound SMS has
 * a `msisdn` and a `text`, `type` or `data`.
 *
 * @since 0.1.0
 * @category parsing
 */
export const kind = (params: Record<string, unknown>): "DeliveryReceipt" | "InboundSms" | undefined =>
  has(params, "status")
    ? "DeliveryReceipt"
    : has(params, "msisdn") && (has(params, "text") || has(params, "type") || has(params, "data"))
    ? "InboundSms"
    : undefined

const utc = (
  year: number,
  month: number,
  day: number,
  hours: number,
  minutes: number,
  seconds: number
): Option.Option<DateTime.Utc> => {
  const date = new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day &&
      date.getUTCHours() === hours && date.getUTCMinutes() === minutes && date.getUTCSeconds() === seconds
    ? Option.some(DateTime.unsafeFromDate(date))
    : Option.none()
}

const dateTimePattern =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/

/**
 * Reads Vonage's `message-timestamp` (`2020-01-01 12:00:00`, UTC, or ISO 8601 with an offset).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseMessageTimestamp = (value: unknown): Option.Option<DateTime.Utc> => {
  if (typeof value !== "string") return Option.none()
  const match = dateTimePattern.exec(value.trim())
  if (match === null) return Option.none()
  const [, year, month, day, hours, minutes, seconds, fraction, zone] = match
  const base = utc(Number(year), Number(month), Number(day), Number(hours), Number(minutes), Number(seconds))
  if (Option.isNone(base)) return base
  const millis = fraction === undefined ? 0 : Math.floor(Number(`0${fraction}`) * 1000)
  let offsetMinutes = 0
  if (zone !== undefined && zone !== "Z") {
    const digits = zone.replace(":", "")
    const hh = Number(digits.slice(1, 3))
    const mm = Number(digits.slice(3, 5))
    if (hh > 23 || mm > 59) return Option.none()
    offsetMinutes = (digits[0] === "-" ? -1 : 1) * (hh * 60 + mm)
  }
  return Option.some(DateTime.unsafeMake(DateTime.toEpochMillis(base.value) + millis - offsetMinutes * 60_000))
}

/**
 * Reads a DLR's `scts` (`YYMMDDHHMM`, or `YYMMDDHHMMSS`), as UTC in the years 2000–2099.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseScts = (value: string | undefined): Option.Option<DateTime.Utc> => {
  if (value === undefined || !/^\d{10}(\d{2})?$/.test(value)) return Option.none()
  const part = (index: number) => Number(value.slice(index, index + 2))
  return utc(2000 + part(0), part(2), part(4), part(6), part(8), value.length === 12 ? part(10) : 0)
}

/**
 * Reads a `timestamp` in unix seconds.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseUnixSeconds = (value: string | undefined): Option.Option<DateTime.Utc> =>
  value !== undefined && /^\d{1,12}$/.test(value)
    ? Option.some(DateTime.unsafeMake(Number(value) * 1000))
    : Option.none()

const firstTime = (
  candidates: ReadonlyArray<Option.Option<DateTime.Utc>>
): Effect.Effect<DateTime.Utc> => {
  for (const candidate of candidates) {
    if (Option.isSome(candidate)) return Effect.succeed(candidate.value)
  }
  return Effect.map(Clock.currentTimeMillis, (now) => DateTime.unsafeMake(now))
}

const hexPattern = /^(?:[0-9a-fA-F]{2})*$/

/**
 * Binary data as hexadecimal: kept as is when it already is hex, else the bytes of the text (Latin-1 when
 * every character fits a byte, else UTF-8).
 *
 * @since 0.1.0
 * @category parsing
 */
export const toHex = (value: string): string => {
  if (hexPattern.test(value)) return value
  const latin1 = [...value].every((char) => char.charCodeAt(0) <= 0xff && char.length === 1)
  const bytes = latin1 ? Array.from(value, (char) => char.charCodeAt(0)) : [...new TextEncoder().encode(value)]
  return bytes.map((byte) => byte.toString(16).padStart(2, "0")).join("")
}

const construct = <A>(what: string, make: () => A): Effect.Effect<A, Webhook.WebhookError> =>
  Effect.try({
    try: make,
    catch: (error) =>
      Webhook.malformed(
        `${what}: ${error instanceof Error ? error.message.split("\n").slice(0, 3).join(" ") : String(error)}`
      )
  })

const toStatusUpdate = (
  channel: string,
  dlr: DeliveryReceipt
): Effect.Effect<Status.StatusUpdate, Webhook.WebhookError> =>
  Effect.gen(function*() {
    const at = yield* firstTime([
      parseScts(dlr.scts),
      parseMessageTimestamp(dlr.messageTimestamp),
      parseUnixSeconds(dlr.timestamp)
    ])
    const documented = dlr.errCode === undefined ? undefined : VonageSmsCodes.dlrErrorCode(dlr.errCode)
    const messageId = dlr.clientRef === undefined ? Option.none() : decodeMessageId(dlr.clientRef)
    return yield* construct("delivery receipt", () =>
      new Status.StatusUpdate({
        channel,
        providerMessageId: dlr.messageId,
        state: VonageSmsCodes.dlrState(dlr.status, dlr.errCode),
        at,
        providerCode: dlr.errCode ?? dlr.status,
        providerText: documented === undefined ? dlr.status : `${dlr.status} (${documented.name})`,
        ...(Option.isSome(messageId) ? { messageId: messageId.value } : {}),
        ...(dlr.price !== undefined && isAmount(dlr.price) ? { price: dlr.price } : {}),
        ...(dlr.networkCode !== undefined && dlr.networkCode.length > 0 ? { network: dlr.networkCode } : {}),
        ...(dlr.msisdn !== undefined && dlr.msisdn.length > 0 ? { recipient: dlr.msisdn } : {})
      }))
  })

const smsType = (type: string | undefined): "text" | "unicode" | "binary" | undefined => {
  const normalized = (type ?? "text").trim().toLowerCase()
  return normalized === "text" || normalized === "unicode" || normalized === "binary" ? normalized : undefined
}

const content = (
  type: string | undefined,
  fields: { readonly text?: string | undefined; readonly data?: string | undefined; readonly udh?: string | undefined }
): Content.Inbound => {
  const kind = smsType(type)
  if (kind === undefined) return new Content.Unsupported({ description: `a Vonage SMS of type "${type}"` })
  if (kind === "binary") {
    const udh = fields.udh === undefined || fields.udh.length === 0 ? undefined : toHex(fields.udh)
    return new Content.Binary({ body: toHex(fields.data ?? ""), ...(udh === undefined ? {} : { udh }) })
  }
  const text = fields.text ?? ""
  return text.length === 0 ? new Content.Unsupported({ description: "an empty SMS" }) : new Content.Text({ text })
}

const concatNumber = (value: string | undefined): number | undefined =>
  value !== undefined && /^\d{1,3}$/.test(value.trim()) ? Number(value.trim()) : undefined

const toPart = (
  sms: InboundSms,
  receivedAt: DateTime.Utc
): Effect.Effect<Option.Option<Part>, Webhook.WebhookError> => {
  const concatenated = sms.concat?.trim().toLowerCase() === "true" || sms.concatRef !== undefined ||
    sms.concatTotal !== undefined || sms.concatPart !== undefined
  if (!concatenated) return Effect.succeed(Option.none())
  const total = concatNumber(sms.concatTotal)
  const part = concatNumber(sms.concatPart)
  if (sms.concatRef === undefined || total === undefined || part === undefined) {
    return Effect.fail(
      Webhook.malformed("inbound SMS: a concatenated part needs concat-ref, concat-total and concat-part")
    )
  }
  if (total < 1 || total > 255 || part < 1 || part > total) {
    return Effect.fail(Webhook.malformed(`inbound SMS: concat-part ${part} of ${total} is out of range`))
  }
  if (total === 1) return Effect.succeed(Option.none())
  const type = smsType(sms.type) ?? "text"
  return Effect.map(
    construct("inbound SMS", () =>
      new Part({
        key: [sms.apiKey ?? "", sms.msisdn, sms.to, sms.concatRef!, String(total)].join("|"),
        total,
        part,
        providerMessageId: sms.messageId,
        from: sms.msisdn,
        to: sms.to,
        type,
        receivedAt,
        ...(type === "binary"
          ? {
            data: toHex(sms.data ?? ""),
            ...(sms.udh === undefined || sms.udh.length === 0 ? {} : { udh: toHex(sms.udh) })
          }
          : { text: sms.text ?? "" }),
        ...(sms.keyword === undefined ? {} : { keyword: sms.keyword })
      })),
    Option.some
  )
}

/**
 * One inbound message from the parts of a concatenated SMS, in order: texts joined, binary bodies joined
 * (without the per-part user data headers, which only carried the concatenation). `incomplete` marks a set
 * emitted without all its parts.
 *
 * @since 0.1.0
 * @category parsing
 */
export const assemble = (
  channel: string,
  parts: ReadonlyArray<Part>,
  incomplete: boolean
): Effect.Effect<InboundMessage.InboundMessage, Webhook.WebhookError> =>
  Effect.suspend(() => {
    const ordered = [...parts].sort((a, b) => a.part - b.part)
    const first = ordered[0]
    if (first === undefined) return Effect.fail(Webhook.malformed("inbound SMS: no parts to assemble"))
    const binary = ordered.some((part) => part.type === "binary")
    const body = binary
      ? new Content.Binary({ body: ordered.map((part) => part.data ?? toHex(part.text ?? "")).join("") })
      : content("text", { text: ordered.map((part) => part.text ?? "").join("") })
    const receivedAt = ordered.reduce((min, part) => DateTime.min(min, part.receivedAt), first.receivedAt)
    return construct("inbound SMS", () =>
      new InboundMessage.InboundMessage({
        channel,
        providerMessageId: first.providerMessageId,
        providerMessageIds: ordered.map((part) => part.providerMessageId),
        from: first.from,
        to: first.to,
        content: body,
        receivedAt,
        ...(first.keyword === undefined ? {} : { keyword: first.keyword }),
        ...(incomplete ? { incomplete: true } : {})
      }))
  })

const toInbound = (
  channel: string,
  sms: InboundSms
): Effect.Effect<ReadonlyArray<InboundMessage.InboundMessage>, Webhook.WebhookError | ConcatStoreError, ConcatStore> =>
  Effect.gen(function*() {
    const receivedAt = yield* firstTime([
      parseMessageTimestamp(sms.messageTimestamp),
      parseUnixSeconds(sms.timestamp)
    ])
    const part = yield* toPart(sms, receivedAt)
    if (Option.isSome(part)) {
      const store = yield* ConcatStore
      const complete = yield* store.offer(part.value)
      if (Option.isNone(complete)) return []
      return [yield* assemble(channel, complete.value, false)]
    }
    const message = yield* construct("inbound SMS", () =>
      new InboundMessage.InboundMessage({
        channel,
        providerMessageId: sms.messageId,
        from: sms.msisdn,
        to: sms.to,
        content: content(sms.type, sms),
        receivedAt,
        ...(sms.keyword === undefined || sms.keyword.length === 0 ? {} : { keyword: sms.keyword })
      }))
    return [message]
  })

const methodNotAllowed = (method: string): Webhook.WebhookError =>
  new Webhook.WebhookError({
    reason: "MethodNotAllowed",
    message: `Vonage SMS webhooks are GET or POST requests, not ${method.slice(0, 16)}`
  })

/**
 * The request's parameters (query string, then a form or JSON body), failing on a JSON body that does not
 * parse.
 *
 * @since 0.1.0
 * @category parsing
 */
export const params = (request: Webhook.Request): Effect.Effect<Record<string, unknown>, Webhook.WebhookError> =>
  Effect.suspend(() => {
    const type = Webhook.contentType(request)
    if (request.body.trim().length > 0 && (type === "application/json" || type.endsWith("+json"))) {
      return Effect.flatMap(Webhook.json(request), (body) =>
        body !== null && typeof body === "object" && !Array.isArray(body)
          ? Effect.succeed(Webhook.params(request))
          : Effect.fail(Webhook.malformed("the JSON body is not an object")))
    }
    return Effect.succeed(Webhook.params(request))
  })

/**
 * JSON bodies may carry numbers and booleans where Vonage signed their text (`"timestamp": 1582650446`): they
 * are verified in their string form, as Vonage's SDKs do. Objects, arrays and `null` stay as they are, so
 * verification refuses them.
 */
const scalarsAsStrings = (params: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(params)) {
    const value = params[key]
    Object.defineProperty(out, key, {
      value: (typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean" ? String(value) : value,
      enumerable: true,
      writable: true,
      configurable: true
    })
  }
  return out
}

/**
 * Verifies (unless `verification: "disabled"` and no signature) and parses one webhook request into events: one
 * `StatusUpdate` for a delivery receipt; one `InboundMessage` for an inbound SMS, or none for a part of a
 * concatenated message that is still waiting for others.
 *
 * A `ConcatStoreError` means the part could not be stored: answer 5xx so Vonage sends it again (`parser`
 * does that by turning it into a defect).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (
  request: Webhook.Request,
  options: Options
): Effect.Effect<ReadonlyArray<Webhook.Event>, Webhook.WebhookError | ConcatStoreError, ConcatStore> =>
  Effect.gen(function*() {
    // `options?.`: a caller without type checking may pass none, which is refused below, not a crash
    const channel = options?.channel ?? defaultChannel
    const method = request.method.toUpperCase()
    if (method !== "GET" && method !== "POST") return yield* Effect.fail(methodNotAllowed(request.method))
    const all = yield* params(request)
    const signature = options?.signature
    // an empty secret would let anyone sign: it counts as no secret at all
    if (signature !== undefined && Redacted.value(signature.secret).length > 0) {
      yield* VonageSignature.verify({
        params: scalarsAsStrings(all),
        secret: signature.secret,
        algorithm: signature.algorithm,
        toleranceSeconds: signature.toleranceSeconds
      }).pipe(Effect.mapError(SignatureError.toWebhookError))
    } else if (options?.verification !== "disabled") {
      return yield* Effect.fail(
        Webhook.unauthorized(
          "no Vonage signature secret is configured, so the request cannot be verified " +
            "(give the parser a signature, or verification: \"disabled\" to accept unsigned webhooks)"
        )
      )
    }
    switch (kind(all)) {
      case "DeliveryReceipt":
        return [yield* Effect.flatMap(decodeReceipt(all), (dlr) => toStatusUpdate(channel, dlr))]
      case "InboundSms":
        return yield* Effect.flatMap(decodeInbound(all), (sms) => toInbound(channel, sms))
      case undefined:
        return yield* Effect.fail(
          Webhook.malformed("the request is neither a Vonage delivery receipt nor an inbound SMS")
        )
    }
  }).pipe(Effect.withSpan("VonageSmsWebhook.parse"))

/**
 * `parse` as a `Webhook.Parser`, for `WebhookHttp.mount`. A store failure becomes a defect, which the HTTP
 * server answers with 500, so Vonage retries the webhook.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parser = (options: Options): Webhook.Parser<ConcatStore> => (request) =>
  parse(request, options).pipe(Effect.catchTag("ConcatStoreError", (error) => Effect.die(error)))

/**
 * Removes the concatenated sets whose parts waited longer than the store's TTL and returns them as
 * messages with `incomplete: true`.
 *
 * @since 0.1.0
 * @category incomplete messages
 */
export const sweep = (
  options?: CommonOptions
): Effect.Effect<ReadonlyArray<InboundMessage.InboundMessage>, ConcatStoreError, ConcatStore> =>
  Effect.gen(function*() {
    const store = yield* ConcatStore
    const sets = yield* store.expire
    const channel = options?.channel ?? defaultChannel
    const messages: Array<InboundMessage.InboundMessage> = []
    for (const set of sets) {
      const message = yield* Effect.option(assemble(channel, set, true))
      if (Option.isSome(message)) messages.push(message.value)
    }
    return messages
  }).pipe(Effect.withSpan("VonageSmsWebhook.sweep"))

/**
 * The incomplete messages, as they expire: sweeps the store every `interval` (default: a tenth of the
 * store's TTL, at least one second).
 *
 * @since 0.1.0
 * @category incomplete messages
 */
export const incomplete = (
  options?: CommonOptions & { readonly interval?: Duration.DurationInput | undefined }
): Stream.Stream<InboundMessage.InboundMessage, ConcatStoreError, ConcatStore> =>
  Stream.unwrap(
    Effect.map(ConcatStore, (store) => {
      const interval = options?.interval === undefined
        ? Duration.max(Duration.seconds(1), Duration.divide(store.ttl, 10).pipe(Option.getOrElse(() => store.ttl)))
        : Duration.decode(options.interval)
      return Stream.repeatEffect(Effect.delay(sweep(options), interval)).pipe(Stream.flattenIterables)
    })
  )
