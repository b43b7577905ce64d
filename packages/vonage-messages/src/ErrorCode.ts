/**
 * The Messages API's error codes (1000–1450, the `x-errors` table of both the v1 and the v0.1 definitions) and
 * the `ChannelError` each one becomes. This is the one table the client, the webhook parser and the channel
 * packages use; it is tested code by code.
 *
 * - throttling (1000, 1241) → `RateLimited` (retryable);
 * - errors on Vonage's or a carrier's side that the definitions call temporary (1030, 1100, 1180, 1220, 1230,
 *   1331) → `ProviderUnavailable` (retryable);
 * - a wrong request (missing or invalid parameters, template, TTL, media, client reference) → `InvalidMessage`;
 * - a message type the channel does not carry (1440) → `UnsupportedContent`;
 * - an expired Facebook page token (1370) → `AuthenticationFailed`;
 * - everything else is a refusal → `Rejected` with a closed cause (barred or unknown recipient, no credit,
 *   sender not allowed, content refused, not permitted — 1340 is "outside the allowed window").
 *
 * @example
 * ```ts
 * import { ErrorCode } from "@switchboard/vonage-messages"
 *
 * const error = ErrorCode.toChannelError({ channel: "whatsapp", code: 1240 })
 * error._tag // "Rejected"
 * error.providerCode // "1240"
 * ErrorCode.title(1000) // "Throttled"
 * ```
 *
 * @since 0.1.0
 */
import {
  AuthenticationFailed,
  type ChannelError,
  InvalidMessage,
  ProviderUnavailable,
  RateLimited,
  Rejected,
  type RejectionCause,
  UnsupportedContent
} from "@switchboard/core/ChannelError"
import type { ContentKind } from "@switchboard/core/Content"

/**
 * What a code means for a caller.
 *
 * @since 0.1.0
 * @category models
 */
export type Classification =
  | { readonly _tag: "RateLimited" }
  | { readonly _tag: "ProviderUnavailable" }
  | { readonly _tag: "InvalidMessage"; readonly field?: string }
  | { readonly _tag: "UnsupportedContent" }
  | { readonly _tag: "AuthenticationFailed" }
  | { readonly _tag: "Rejected"; readonly rejection: RejectionCause }

/**
 * One row of the table: the code, Vonage's short title and the classification.
 *
 * @since 0.1.0
 * @category models
 */
export interface Entry {
  readonly code: number
  readonly title: string
  readonly classification: Classification
}

const rateLimited: Classification = { _tag: "RateLimited" }
const unavailable: Classification = { _tag: "ProviderUnavailable" }
const invalid = (field?: string): Classification =>
  field === undefined ? { _tag: "InvalidMessage" } : { _tag: "InvalidMessage", field }
const rejected = (rejection: RejectionCause): Classification => ({ _tag: "Rejected", rejection })

const rows: ReadonlyArray<readonly [number, string, Classification]> = [
  [1000, "Throttled", rateLimited],
  [1010, "Missing params", invalid()],
  [1020, "Invalid params", invalid()],
  [1021, "Invalid tag", invalid("tag")],
  [1022, "Invalid template", invalid("content.template")],
  [1030, "Internal error", unavailable],
  [1040, "Invalid message", invalid()],
  [1050, "Number barred", rejected("BlockedRecipient")],
  [1060, "Partner account barred", rejected("NotPermitted")],
  [1070, "Partner quota exceeded", rejected("InsufficientCredit")],
  [1080, "Account not enabled for REST", rejected("NotPermitted")],
  [1090, "Message too long", invalid("content")],
  [1100, "Communication Failed", unavailable],
  [1120, "Illegal Sender Address - rejected", rejected("InvalidSender")],
  [1130, "Invalid TTL", invalid("ttl")],
  [1140, "Facility not allowed", rejected("NotPermitted")],
  [1150, "Invalid Message class", invalid()],
  [1160, "Non White-listed Destination", rejected("NotPermitted")],
  [1170, "Invalid or Missing Msisdn Param", rejected("InvalidRecipient")],
  [1180, "Absent Subscriber Temporary", unavailable],
  [1190, "Absent Subscriber Permanent", rejected("InvalidRecipient")],
  [1200, "Portability Error", rejected("InvalidRecipient")],
  [1210, "Anti-Spam Rejection", rejected("ContentRefused")],
  [1220, "Handset Busy", unavailable],
  [1230, "Network Error", unavailable],
  [1240, "Illegal Number", rejected("BlockedRecipient")],
  [1241, "Too many send requests", rateLimited],
  [1250, "Unroutable", rejected("InvalidRecipient")],
  [1260, "Destination unreachable", rejected("InvalidRecipient")],
  [1270, "Subscriber Age Restriction", rejected("ContentRefused")],
  [1280, "Number Blocked by Carrier", rejected("BlockedRecipient")],
  [1290, "Pre-Paid - Insufficient funds", rejected("Other")],
  [1300, "Not part of the provider network", rejected("InvalidRecipient")],
  [1310, "Not suitable device", rejected("InvalidRecipient")],
  [1320, "Message already sent", rejected("Other")],
  [1330, "Unknown", rejected("Other")],
  [1331, "Provider error", unavailable],
  [1340, "Outside of the allowed window", rejected("NotPermitted")],
  [1350, "Phone matching fee not paid", rejected("NotPermitted")],
  [1360, "TTL was activated", rejected("Other")],
  [1370, "Expired access Token", { _tag: "AuthenticationFailed" }],
  [1380, "Invalid resource", invalid("content.url")],
  [1381, "Resource size is too large", invalid("content.url")],
  [1382, "Resource type is invalid", invalid("content.url")],
  [1400, "Unsupported channel", rejected("NotPermitted")],
  [1410, "Invalid channel parameters", invalid()],
  [1420, "Invalid sender", rejected("InvalidSender")],
  [1430, "Invalid recipient", rejected("InvalidRecipient")],
  [1440, "Invalid message type", { _tag: "UnsupportedContent" }],
  [1450, "Invalid client reference", invalid("clientReference")]
]

/**
 * Every documented code, in order.
 *
 * @since 0.1.0
 * @category table
 */
export const entries: ReadonlyArray<Entry> = rows.map(([code, title, classification]) => ({
  code,
  title,
  classification
}))

const byCode: ReadonlyMap<number, Entry> = new Map(entries.map((entry) => [entry.code, entry]))

/**
 * The table entry for a code, if it is documented.
 *
 * @since 0.1.0
 * @category table
 */
export const lookup = (code: number): Entry | undefined => byCode.get(code)

/**
 * Vonage's short title for a code (`"Throttled"` for 1000), or `undefined` for an undocumented one.
 *
 * @since 0.1.0
 * @category table
 */
export const title = (code: number): string | undefined => byCode.get(code)?.title

/**
 * Reads a code out of what Vonage sends: a number, a numeric string (`error.title` is either, depending on the
 * version), or the fragment of an RFC 7807 `type` URL (`…/messages-olympus#1010`).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (value: unknown): number | undefined => {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined
  if (typeof value !== "string") return undefined
  const trimmed = value.trim()
  const fragment = trimmed.includes("#") ? trimmed.slice(trimmed.lastIndexOf("#") + 1) : trimmed
  return /^\d{1,6}$/.test(fragment) ? Number(fragment) : undefined
}

const normalize = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, "")

const byTitle: ReadonlyMap<string, number> = new Map(
  [...entries].reverse().map((entry) => [normalize(entry.title), entry.code] as const)
)

/**
 * The code whose documented title this is, ignoring case, spaces and punctuation (`"Outside of the allowed
 * window"` and the URL fragment `Outsideoftheallowedwindow` both give 1340). Error bodies of the v0.1 shape name
 * the error by title only. Where two codes share a title, the lower code wins.
 *
 * @since 0.1.0
 * @category parsing
 */
export const fromTitle = (value: unknown): number | undefined => {
  if (typeof value !== "string") return undefined
  const key = normalize(value)
  return key.length === 0 ? undefined : byTitle.get(key)
}

/**
 * The input of `toChannelError`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Failure {
  /** The channel id the error is reported for (`whatsapp`, `viber`, `messenger`, …). */
  readonly channel: string
  readonly code: number
  /** Vonage's text for this occurrence (`detail`, `reason`), kept as the provider text. */
  readonly text?: string | undefined
  /** The content kind that was being sent, for `UnsupportedContent`. */
  readonly content?: ContentKind | undefined
  /** A retry-after hint in milliseconds, for `RateLimited`. */
  readonly retryAfterMillis?: number | undefined
  /** The HTTP status, when the code came with a response. */
  readonly status?: number | undefined
}

/**
 * Turns a Messages API code into the `ChannelError` the table says, keeping the code and Vonage's text. An
 * undocumented code is a `Rejected` with cause `Other`.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toChannelError = (failure: Failure): ChannelError => {
  const entry = byCode.get(failure.code)
  const providerCode = String(failure.code)
  const providerText = failure.text ?? entry?.title
  const label = entry === undefined ? `error ${providerCode}` : `error ${providerCode} (${entry.title})`
  const common = {
    channel: failure.channel,
    providerCode,
    ...(providerText === undefined ? {} : { providerText })
  }
  const classification: Classification = entry?.classification ?? rejected("Other")
  switch (classification._tag) {
    case "RateLimited":
      return new RateLimited({
        ...common,
        message: `Vonage throttled the ${failure.channel} request: ${label}`,
        ...(failure.retryAfterMillis === undefined ? {} : { retryAfterMillis: failure.retryAfterMillis })
      })
    case "ProviderUnavailable":
      return new ProviderUnavailable({
        ...common,
        message: `Vonage could not deliver the ${failure.channel} request for now: ${label}`,
        ...(failure.status === undefined ? {} : { status: failure.status })
      })
    case "InvalidMessage":
      return new InvalidMessage({
        ...common,
        message: `Vonage refused the ${failure.channel} message as invalid: ${label}`,
        ...(classification.field === undefined ? {} : { field: classification.field })
      })
    case "UnsupportedContent":
      return failure.content === undefined
        ? new InvalidMessage({
          ...common,
          message: `Vonage does not carry this message type on ${failure.channel}: ${label}`,
          field: "content"
        })
        : new UnsupportedContent({
          ...common,
          content: failure.content,
          message: `Vonage does not carry ${failure.content} content on ${failure.channel}: ${label}`
        })
    case "AuthenticationFailed":
      return new AuthenticationFailed({
        ...common,
        message: `Vonage refused the credentials for ${failure.channel}: ${label}`
      })
    case "Rejected":
      return new Rejected({
        ...common,
        rejection: classification.rejection,
        message: `Vonage rejected the ${failure.channel} message: ${label}`
      })
  }
}
