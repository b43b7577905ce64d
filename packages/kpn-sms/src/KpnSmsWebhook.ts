/**
 * KPN's SMS webhooks — delivery reports (`sms_dlr`, posted to the `webhook_url` of a send) and inbound SMS
 * (posted to the webhook of a KPN virtual number) — verified and turned into `StatusUpdate`s and
 * `InboundMessage`s.
 *
 * **Verification is on by default.** KPN signs every webhook with HMAC-SHA256 over the raw body
 * (`X-KPN-Webhook-Signature`, `-Timestamp`, `-Key-Id`); `parse` checks it with `@switchboard/auth`'s
 * `KpnWebhookSignature` (constant time, 5-minute timestamp window) and answers `Unauthorized` (401) for an
 * unsigned, forged or stale request. Give the secrets by key id (`secrets`, both keys during a rotation) or
 * one `secret` accepted whatever key id the request names. Without a secret every request is refused,
 * unless `verification: "disabled"` says unsigned webhooks are fine (tests, a trusted network).
 *
 * Payloads (JSON, one object or an array of them):
 * - inbound SMS, as KPN's "Inbound SMS" 1.0.0 definition: `{ sender, recipient, message_id, content,
 *   timestamp_utc, type }` → `InboundMessage` (`timestamp_utc` has no zone and is UTC);
 * - delivery report: `{ document_id, DLRID, RecipientPhonenumber, Message, MessageType, Status,
 *   StatusDescription, ErrorCode, StatusDateTime }` → `StatusUpdate` for `document_id` (the send's
 *   receipt id; `DLRID` when KPN's privacy settings leave it out). `StatusDateTime` is epoch time. `Status`
 *   is KPN's code: 1 Delivered → `delivered`, 2 Queued → `accepted`, 3 Accepted (by the network) →
 *   `submitted`, 4 Failed → `failed`, 5 Rejected → `rejected`, 6 Expired → `expired`. `ErrorCode` (001–030,
 *   `000` for none) becomes `providerCode`, with its meaning in `providerText`. KPN publishes the field names
 *   but no full example; the names above are the ones its privacy settings use, plus `Status`/`ErrorCode`.
 *
 * KPN delivers at least once (retries after 60, 120 and 240 s): merge updates with `Status.merge`, which
 * ignores duplicates and late arrivals.
 *
 * @example
 * ```ts
 * import { KpnSmsWebhook } from "@switchboard/kpn-sms"
 * import { Webhook } from "@switchboard/core"
 * import { Config, Effect } from "effect"
 *
 * const handle = (request: Webhook.Request) =>
 *   Effect.gen(function*() {
 *     const secret = yield* Config.redacted("KPN_WEBHOOK_SECRET")
 *     const events = yield* KpnSmsWebhook.parse(request, { secret })
 *     for (const event of events) {
 *       if (event._tag === "StatusUpdate") yield* Effect.log(`${event.providerMessageId} is ${event.state}`)
 *       else yield* Effect.log(`${event.from} wrote: ${event.content._tag === "Text" ? event.content.text : "…"}`)
 *     }
 *   })
 * ```
 *
 * @since 0.1.0
 */
import { KpnWebhookSignature, SignatureError } from "@switchboard/auth"
import { Content, InboundMessage, Status, Webhook } from "@switchboard/core"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { channelId } from "./KpnSmsClient.js"

// -----------------------------------------------------------------------------
// tables
// -----------------------------------------------------------------------------

/**
 * KPN's delivery report status codes and the state each one means.
 *
 * @since 0.1.0
 * @category tables
 */
export const deliveryStatuses: Readonly<Record<string, { readonly meaning: string; readonly state: Status.State }>> = {
  "1": { meaning: "Delivered", state: "delivered" },
  "2": { meaning: "Queued", state: "accepted" },
  "3": { meaning: "Accepted", state: "submitted" },
  "4": { meaning: "Failed", state: "failed" },
  "5": { meaning: "Rejected", state: "rejected" },
  "6": { meaning: "Expired", state: "expired" }
}

/**
 * KPN's delivery report failure codes (`kpn-sms-error-codes.yml`).
 *
 * @since 0.1.0
 * @category tables
 */
export const failureCodes: Readonly<Record<string, string>> = {
  "001": "Unknown or unspecified error",
  "002": "Recipient number/subscriber is unknown or invalid",
  "003": "Recipient is barred, blocked, illegal, suspended",
  "004": "Recipient has opted out or requested not to receive",
  "005": "Recipient/network/device cannot receive SMS",
  "006": "Recipient handset is temporarily unavailable or busy",
  "007": "Recipient is temporarily unreachable or out of coverage",
  "008": "Recipient deregistered or permanently unavailable",
  "009": "Temporary handset/SIM/storage issue",
  "010": "Permanent handset/SIM/device issue",
  "011": "Network/system/operator failure",
  "012": "Delivery failed due to number portability issue",
  "013": "Provider could not find suitable internal route",
  "014": "No delivery route could be found",
  "015": "Delivery failed due to unspecified routing error",
  "016": "Malformed request or invalid submission",
  "017": "Invalid message parameter or encoding issue",
  "018": "Blocked by anti-spam or safeguard controls",
  "019": "Content not permitted",
  "020": "Insufficient credit/quota",
  "021": "Blocked due to age or parental restrictions",
  "022": "Recipient opted out or in Do-Not-Disturb list",
  "023": "Spend/quota/rate/conversation limit reached",
  "024": "Message validity expired before delivery",
  "025": "Failure at third party provider",
  "026": "DLT entity-id is missing or invalid",
  "027": "DLT header ID is missing or invalid",
  "028": "DLT content-id is missing or invalid",
  "029": "Required recipient consent is not authorized",
  "030": "Unexpected regulatory/compliance error"
}

// -----------------------------------------------------------------------------
// wire formats
// -----------------------------------------------------------------------------

const Code = Schema.Union(
  Schema.String,
  Schema.Number.pipe(Schema.int(), Schema.nonNegative())
)

const EpochTime = Schema.Union(
  Schema.Number.pipe(Schema.finite(), Schema.nonNegative()),
  Schema.String.pipe(Schema.pattern(/^\d{1,16}(\.\d+)?$/))
)

/**
 * An inbound SMS, as KPN posts it.
 *
 * @since 0.1.0
 * @category schemas
 */
export class WireInbound extends Schema.Class<WireInbound>("@switchboard/kpn-sms/KpnSmsWebhook/WireInbound")({
  sender: Schema.NonEmptyString,
  recipient: Schema.NonEmptyString,
  messageId: Schema.propertySignature(Schema.NonEmptyString).pipe(Schema.fromKey("message_id")),
  content: Schema.String,
  timestampUtc: Schema.propertySignature(Schema.NonEmptyString).pipe(Schema.fromKey("timestamp_utc")),
  type: Schema.optional(Schema.String)
}) {}

/**
 * A delivery report, as KPN posts it. Every field but `Status` may be left out by KPN's privacy settings.
 *
 * @since 0.1.0
 * @category schemas
 */
export class WireDeliveryReport
  extends Schema.Class<WireDeliveryReport>("@switchboard/kpn-sms/KpnSmsWebhook/WireDeliveryReport")({
    documentId: Schema.optional(Schema.NonEmptyString).pipe(Schema.fromKey("document_id")),
    dlrId: Schema.optional(Schema.NonEmptyString).pipe(Schema.fromKey("DLRID")),
    recipient: Schema.optional(Schema.String).pipe(Schema.fromKey("RecipientPhonenumber")),
    message: Schema.optional(Schema.String).pipe(Schema.fromKey("Message")),
    messageType: Schema.optional(Schema.String).pipe(Schema.fromKey("MessageType")),
    status: Schema.propertySignature(Code).pipe(Schema.fromKey("Status")),
    statusDescription: Schema.optional(Schema.String).pipe(Schema.fromKey("StatusDescription")),
    errorCode: Schema.optional(Code).pipe(Schema.fromKey("ErrorCode")),
    statusDateTime: Schema.optional(EpochTime).pipe(Schema.fromKey("StatusDateTime")),
    customerId: Schema.optional(Schema.String).pipe(Schema.fromKey("CustomerId"))
  })
{}

// -----------------------------------------------------------------------------
// options
// -----------------------------------------------------------------------------

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Accepted signing secrets by key id (`X-KPN-Webhook-Key-Id`); give both keys during a rotation. */
  readonly secrets?: Readonly<Record<string, Redacted.Redacted<string>>> | undefined
  /** One signing secret, accepted whatever key id the request names. */
  readonly secret?: Redacted.Redacted<string> | undefined
  /**
   * `"required"` (the default): without a configured secret every request is refused. `"disabled"`:
   * requests are accepted unsigned when no secret is configured (a configured secret is always checked).
   */
  readonly verification?: "required" | "disabled" | undefined
  /** The timestamp window in seconds, either way (default 300; `Infinity` turns it off). */
  readonly toleranceSeconds?: number | undefined
}

// -----------------------------------------------------------------------------
// parsing
// -----------------------------------------------------------------------------

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const verify = (request: Webhook.Request, options: Options): Effect.Effect<void, Webhook.WebhookError> =>
  Effect.suspend(() => {
    const keyId = Webhook.header(request, KpnWebhookSignature.keyIdHeader)
    // an empty secret would let anyone sign: it counts as no secret at all
    const secrets: Record<string, Redacted.Redacted<string>> = {}
    for (const [id, value] of Object.entries(options.secrets ?? {})) {
      if (Redacted.value(value).length > 0) secrets[id] = value
    }
    if (options.secret !== undefined && Redacted.value(options.secret).length > 0) {
      // the single secret stands for whatever key id the request names
      const id = keyId ?? "default"
      if (!Object.prototype.hasOwnProperty.call(secrets, id)) secrets[id] = options.secret
    }
    if (Object.keys(secrets).length === 0) {
      return options.verification === "disabled"
        ? Effect.void
        : Effect.fail(
          Webhook.unauthorized(
            "no KPN webhook signing secret is configured (KPN_WEBHOOK_SECRET), so the request cannot be verified"
          )
        )
    }
    return KpnWebhookSignature.verify({
      headers: request.headers,
      body: request.body,
      secrets,
      ...(options.toleranceSeconds === undefined ? {} : { toleranceSeconds: options.toleranceSeconds })
    }).pipe(Effect.mapError(SignatureError.toWebhookError))
  })

/** `2024-04-30T14:37:42.218159` (UTC, no zone, microseconds) and any ISO 8601 form. */
const parseUtc = (value: string): Option.Option<DateTime.Utc> => {
  const noZone = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?$/.exec(value.trim())
  const iso = noZone === null
    ? value.trim()
    : `${noZone[1]}T${noZone[2]}${noZone[3] === undefined ? "" : noZone[3].slice(0, 4)}Z`
  return DateTime.make(iso).pipe(Option.filter(() => /^\d{4}-\d{2}-\d{2}/.test(iso)))
}

const fromEpoch = (value: number | string): Option.Option<DateTime.Utc> => {
  const n = typeof value === "number" ? value : Number(value)
  if (!Number.isFinite(n)) return Option.none()
  return DateTime.make(n >= 1e11 ? Math.round(n) : Math.round(n * 1000))
}

const hexPattern = /^(?:[0-9a-fA-F]{2})+$/

const inboundContent = (inbound: WireInbound): Content.Inbound => {
  const type = (inbound.type ?? "").toLowerCase()
  if (type.includes("binary")) {
    return hexPattern.test(inbound.content)
      ? new Content.Binary({ body: inbound.content })
      : new Content.Unsupported({ description: `a binary SMS whose body is not hexadecimal (type ${inbound.type})` })
  }
  return inbound.content.length === 0
    ? new Content.Unsupported({ description: "an empty SMS" })
    : new Content.Text({ text: inbound.content })
}

const decodeInbound = Webhook.decode(WireInbound, "a KPN inbound SMS")
const decodeReport = Webhook.decode(WireDeliveryReport, "a KPN delivery report")

const toInbound = (input: unknown): Effect.Effect<InboundMessage.InboundMessage, Webhook.WebhookError> =>
  Effect.flatMap(decodeInbound(input), (inbound) =>
    Option.match(parseUtc(inbound.timestampUtc), {
      onNone: () =>
        Effect.fail(Webhook.malformed(`a KPN inbound SMS: timestamp_utc "${inbound.timestampUtc}" is not a time`)),
      onSome: (receivedAt) =>
        Effect.succeed(
          new InboundMessage.InboundMessage({
            channel: channelId,
            providerMessageId: inbound.messageId,
            from: inbound.sender,
            to: inbound.recipient,
            content: inboundContent(inbound),
            receivedAt
          })
        )
    }))

const normalizeCode = (code: string | number): string => {
  const text = String(code).trim()
  return /^\d{1,3}$/.test(text) ? text.padStart(3, "0") : text
}

const toStatusUpdate = (input: unknown, now: number): Effect.Effect<Status.StatusUpdate, Webhook.WebhookError> =>
  Effect.gen(function*() {
    const report = yield* decodeReport(input)
    const code = String(report.status).trim()
    const known = deliveryStatuses[code]
    if (known === undefined) {
      return yield* Effect.fail(
        Webhook.malformed(`a KPN delivery report: Status "${code}" is not one of KPN's codes 1 to 6`)
      )
    }
    const providerMessageId = report.documentId ?? report.dlrId
    if (providerMessageId === undefined) {
      return yield* Effect.fail(Webhook.malformed("a KPN delivery report: it has neither document_id nor DLRID"))
    }
    const at = report.statusDateTime === undefined ? Option.some(DateTime.unsafeMake(now)) : fromEpoch(report.statusDateTime)
    if (Option.isNone(at)) {
      return yield* Effect.fail(Webhook.malformed("a KPN delivery report: StatusDateTime is not epoch time"))
    }
    const errorCode = report.errorCode === undefined ? undefined : normalizeCode(report.errorCode)
    const failure = errorCode !== undefined && errorCode !== "000" ? errorCode : undefined
    const description = report.statusDescription ?? known.meaning
    return new Status.StatusUpdate({
      channel: channelId,
      providerMessageId,
      state: known.state,
      at: at.value,
      providerCode: failure ?? code,
      providerText: failure === undefined
        ? description
        : `${description}: ${failureCodes[failure] ?? `failure code ${failure}`}`,
      ...(report.recipient === undefined || report.recipient.length === 0 ? {} : { recipient: report.recipient })
    })
  })

const isInbound = (item: Record<string, unknown>): boolean =>
  "message_id" in item || "timestamp_utc" in item || ("sender" in item && "recipient" in item)

const isReport = (item: Record<string, unknown>): boolean =>
  "Status" in item || "DLRID" in item || "StatusDateTime" in item || "document_id" in item

const toEvent = (item: unknown, now: number): Effect.Effect<Webhook.Event, Webhook.WebhookError> => {
  if (!isRecord(item)) return Effect.fail(Webhook.malformed("a KPN webhook item is not a JSON object"))
  if (isReport(item)) return toStatusUpdate(item, now)
  if (isInbound(item)) return toInbound(item)
  return Effect.fail(Webhook.malformed("the body is neither a KPN delivery report nor an inbound SMS"))
}

/**
 * Verifies a KPN webhook request and decodes it into events.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (
  request: Webhook.Request,
  options: Options = {}
): Effect.Effect<ReadonlyArray<Webhook.Event>, Webhook.WebhookError> =>
  Effect.gen(function*() {
    if (request.method.toUpperCase() !== "POST") {
      return yield* Effect.fail(
        new Webhook.WebhookError({
          reason: "MethodNotAllowed",
          message: `KPN posts its webhooks; ${request.method} is not accepted`
        })
      )
    }
    yield* verify(request, options)
    const body = yield* Webhook.json(request)
    const items = Array.isArray(body) ? body : [body]
    if (items.length === 0) return yield* Effect.fail(Webhook.malformed("the body is an empty list"))
    const now = yield* Clock.currentTimeMillis
    return yield* Effect.forEach(items, (item) => toEvent(item, now))
  }).pipe(Effect.withSpan("KpnSmsWebhook.parse"))

/**
 * `parse` with fixed options, as a `Webhook.Parser` (for `WebhookHttp.mount`).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parser = (options: Options = {}): Webhook.Parser => (request) => parse(request, options)

// -----------------------------------------------------------------------------
// service
// -----------------------------------------------------------------------------

/**
 * The configured parser, as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class KpnSmsWebhook extends Context.Tag("@switchboard/kpn-sms/KpnSmsWebhook")<
  KpnSmsWebhook,
  { readonly parse: Webhook.Parser }
>() {}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<KpnSmsWebhook> =>
  Layer.succeed(KpnSmsWebhook, { parse: parser(options) })

const parseSecrets = (value: string): Record<string, Redacted.Redacted<string>> | undefined => {
  const out: Record<string, Redacted.Redacted<string>> = {}
  for (const entry of value.split(",")) {
    const trimmed = entry.trim()
    if (trimmed.length === 0) continue
    const eq = trimmed.indexOf("=")
    if (eq <= 0 || eq === trimmed.length - 1) return undefined
    out[trimmed.slice(0, eq).trim()] = Redacted.make(trimmed.slice(eq + 1).trim())
  }
  return Object.keys(out).length === 0 ? undefined : out
}

/**
 * The options from the environment:
 * - `KPN_WEBHOOK_SECRET`: one signing secret, accepted for any key id;
 * - `KPN_WEBHOOK_SECRETS`: `keyId=secret,keyId=secret` (both keys during a rotation);
 * - `KPN_WEBHOOK_VERIFY`: `false` to accept unsigned webhooks when neither of the above is set (default
 *   `true`: a missing secret is a configuration error);
 * - `KPN_WEBHOOK_TOLERANCE`: the timestamp window in seconds (default 300).
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  secret: Config.option(Config.redacted("KPN_WEBHOOK_SECRET")),
  secrets: Config.option(Config.redacted("KPN_WEBHOOK_SECRETS")),
  verify: Config.withDefault(Config.boolean("KPN_WEBHOOK_VERIFY"), true),
  tolerance: Config.option(Config.number("KPN_WEBHOOK_TOLERANCE"))
}).pipe(
  Config.mapOrFail((c) => {
    const secrets = Option.map(c.secrets, (s) => parseSecrets(Redacted.value(s)))
    if (Option.isSome(secrets) && secrets.value === undefined) {
      return Either.left(
        ConfigError.InvalidData(["KPN_WEBHOOK_SECRETS"], "KPN_WEBHOOK_SECRETS must be keyId=secret pairs separated by commas")
      )
    }
    if (Option.isSome(c.secret) && Redacted.value(c.secret.value).length === 0) {
      return Either.left(ConfigError.InvalidData(["KPN_WEBHOOK_SECRET"], "KPN_WEBHOOK_SECRET is empty"))
    }
    const anySecret = Option.isSome(c.secret) || Option.isSome(secrets)
    if (!anySecret && c.verify) {
      return Either.left(
        ConfigError.InvalidData(
          ["KPN_WEBHOOK_SECRET"],
          "set KPN_WEBHOOK_SECRET (or KPN_WEBHOOK_SECRETS) to verify KPN's webhook signatures, or KPN_WEBHOOK_VERIFY=false to accept unsigned webhooks"
        )
      )
    }
    return Either.right<Options>({
      ...(Option.isSome(c.secret) ? { secret: c.secret.value } : {}),
      ...(Option.isSome(secrets) && secrets.value !== undefined ? { secrets: secrets.value } : {}),
      verification: c.verify ? "required" : "disabled",
      ...(Option.isSome(c.tolerance) ? { toleranceSeconds: c.tolerance.value } : {})
    })
  })
)

/**
 * `layer` with the options from the environment (see `config`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<KpnSmsWebhook, ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.map(config, layer)
)
