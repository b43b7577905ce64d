/**
 * Vonage SMS's numbered codes, as tables:
 *
 * - `statusCodes`: the status of each part in a send response (`0` accepted, `1`–`34` refused), each mapped
 *   to the `ChannelError` it becomes. `1` (Throttled) and `10` (Too Many Existing Binds) are `RateLimited`,
 *   `5` (Internal Error) and `13` (Communication Failed) `ProviderUnavailable`, `4`, `14` and `32` (credentials
 *   and signatures) `AuthenticationFailed`, parameter problems `InvalidMessage`, and what the platform or the
 *   carrier refuses `Rejected` with a closed cause (`7` and `33`: `BlockedRecipient`, `9`: `InsufficientCredit`,
 *   `15`: `InvalidSender`, …). Codes Vonage has never documented fall back to `Rejected` / `Other`, keeping
 *   the code and text.
 * - `dlrErrorCodes`: the `err-code` of a delivery receipt (`0` delivered … `15`, `99`), with the `Status`
 *   state a `failed` receipt becomes (`undeliverable` when the handset could not be reached, `rejected` when
 *   a carrier refused the message, `failed` otherwise); `dlrState` maps a receipt's `status` and `err-code`.
 *
 * Sources: Vonage's SMS API reference (codes 1–33), KPN's copy of the same API (13, 16, 19, 20, 34) and
 * Vonage's delivery receipt error table.
 *
 * @example
 * ```ts
 * import { VonageSmsCodes } from "@switchboard/vonage-sms"
 *
 * const error = VonageSmsCodes.toError({ channel: "sms.vonage", status: "7", errorText: "Number barred." })
 * // Rejected { rejection: "BlockedRecipient", providerCode: "7", providerText: "Number barred." }
 *
 * VonageSmsCodes.dlrState("failed", "2") // "undeliverable" (Absent Subscriber - Temporary)
 * VonageSmsCodes.dlrState("accepted", "0") // "submitted"
 * ```
 *
 * @since 0.1.0
 */
import { ChannelError, type Status } from "@switchboard/core"

type RejectionCause = ChannelError.RejectionCause
type State = Status.State

/**
 * How a status code is classified.
 *
 * @since 0.1.0
 * @category models
 */
export type Classification =
  | { readonly reason: "RateLimited" }
  | { readonly reason: "ProviderUnavailable" }
  | { readonly reason: "AuthenticationFailed" }
  | { readonly reason: "InvalidMessage"; readonly field?: string | undefined }
  | { readonly reason: "Rejected"; readonly rejection: RejectionCause }

/**
 * A documented send status code.
 *
 * @since 0.1.0
 * @category models
 */
export interface StatusCode {
  readonly code: number
  /** Vonage's name for the code. */
  readonly name: string
  /** Vonage's description of the code. */
  readonly description: string
  readonly classification: Classification
}

const entry = (code: number, name: string, description: string, classification: Classification): StatusCode => ({
  code,
  name,
  description,
  classification
})

const rejected = (rejection: RejectionCause): Classification => ({ reason: "Rejected", rejection })
const invalid = (field?: string): Classification => ({ reason: "InvalidMessage", field })

/**
 * Every send status code Vonage documents, `1` to `34`.
 *
 * @since 0.1.0
 * @category tables
 */
export const statusCodes: ReadonlyArray<StatusCode> = [
  entry(1, "Throttled", "You are sending SMS faster than the account limit.", { reason: "RateLimited" }),
  entry(
    2,
    "Missing Parameters",
    "Your request is missing one of the required parameters from, to, api_key, api_secret or text.",
    invalid()
  ),
  entry(3, "Invalid Parameters", "The value of one or more parameters is invalid.", invalid()),
  entry(4, "Invalid Credentials", "Your API key and/or secret are incorrect, invalid or disabled.", {
    reason: "AuthenticationFailed"
  }),
  entry(5, "Internal Error", "An error has occurred in the platform whilst processing this message.", {
    reason: "ProviderUnavailable"
  }),
  entry(
    6,
    "Invalid Message",
    "The platform was unable to process this message, for example, an un-recognized number prefix.",
    rejected("InvalidRecipient")
  ),
  entry(
    7,
    "Number Barred",
    "The number you are trying to send messages to is blacklisted and may not receive them.",
    rejected("BlockedRecipient")
  ),
  entry(8, "Partner Account Barred", "Your Vonage account has been suspended.", rejected("NotPermitted")),
  entry(
    9,
    "Partner Quota Violation",
    "You do not have sufficient credit to send the message.",
    rejected("InsufficientCredit")
  ),
  entry(
    10,
    "Too Many Existing Binds",
    "The number of simultaneous connections to the platform exceeds your account allocation.",
    { reason: "RateLimited" }
  ),
  entry(
    11,
    "Account Not Enabled For HTTP",
    "This account is not provisioned for the SMS API.",
    rejected("NotPermitted")
  ),
  entry(12, "Message Too Long", "The message length exceeds the maximum allowed.", invalid("content")),
  entry(13, "Communication Failed", "Message was not submitted because there was a communication failure.", {
    reason: "ProviderUnavailable"
  }),
  entry(14, "Invalid Signature", "The signature supplied could not be verified.", {
    reason: "AuthenticationFailed"
  }),
  entry(
    15,
    "Invalid Sender Address",
    "You are using a non-authorized sender ID in the from field.",
    rejected("InvalidSender")
  ),
  entry(16, "Invalid TTL", "The value of ttl in your request was invalid.", invalid("ttl")),
  entry(
    17,
    "Message Blocked by Provider",
    "The messaging provider has chosen to block this message. This may be due to content or restrictions imposed by the provider.",
    rejected("ContentRefused")
  ),
  entry(
    19,
    "Facility Not Allowed",
    "Your request makes use of a facility that is not enabled on your account.",
    rejected("NotPermitted")
  ),
  entry(20, "Invalid Message Class", "The value of message-class in your request was out of range.", invalid("message-class")),
  entry(
    22,
    "Invalid Network Code",
    "The network code supplied was either not recognized, or does not match the country of the destination address.",
    invalid("network-code")
  ),
  entry(
    23,
    "Invalid Callback Url",
    "The callback URL supplied was either too long or contained illegal characters.",
    invalid("callback")
  ),
  entry(
    29,
    "Non-Whitelisted Destination",
    "Your Vonage account is still in demo mode. While in demo mode you must add target numbers to your whitelisted destination list.",
    rejected("NotPermitted")
  ),
  entry(32, "Signature And API Secret Disallowed", "A signed request may not also present an api_secret.", {
    reason: "AuthenticationFailed"
  }),
  entry(
    33,
    "Number De-activated",
    "The number you are trying to send messages to is de-activated and may not receive them.",
    rejected("BlockedRecipient")
  ),
  entry(
    34,
    "Invalid or Missing Msisdn Param",
    "The phone number you supplied in the to parameter of your request was either missing or invalid.",
    invalid("recipient.phone")
  )
]

const byCode: ReadonlyMap<string, StatusCode> = new Map(statusCodes.map((code) => [String(code.code), code]))

/**
 * The documented entry for a status code (`"7"`), if Vonage documents it.
 *
 * @since 0.1.0
 * @category tables
 */
export const statusCode = (status: string): StatusCode | undefined => byCode.get(status.trim())

/**
 * How a status code is classified; an undocumented code is `Rejected` / `Other`.
 *
 * @since 0.1.0
 * @category tables
 */
export const classify = (status: string): Classification =>
  statusCode(status)?.classification ?? { reason: "Rejected", rejection: "Other" }

/**
 * The `ChannelError` a refused part becomes. It carries Vonage's code and, when Vonage sent one, its
 * `error-text` (else the documented name). `detail` is appended to the message (the partial-failure
 * summary uses it).
 *
 * @since 0.1.0
 * @category conversions
 */
export const toError = (options: {
  readonly channel: string
  readonly status: string
  readonly errorText?: string | undefined
  readonly detail?: string | undefined
}): ChannelError.ChannelError => {
  const documented = statusCode(options.status)
  const providerText = options.errorText ?? documented?.name
  const what = documented === undefined
    ? `Vonage refused the message with undocumented status ${options.status}`
    : `Vonage refused the message with status ${documented.code} (${documented.name}: ${documented.description})`
  const message = [what, options.detail].filter((part) => part !== undefined && part.length > 0).join("; ")
  const common = {
    channel: options.channel,
    message,
    providerCode: options.status,
    ...(providerText === undefined ? {} : { providerText })
  }
  const classification = classify(options.status)
  switch (classification.reason) {
    case "RateLimited":
      return new ChannelError.RateLimited(common)
    case "ProviderUnavailable":
      return new ChannelError.ProviderUnavailable(common)
    case "AuthenticationFailed":
      return new ChannelError.AuthenticationFailed(common)
    case "InvalidMessage":
      return new ChannelError.InvalidMessage({
        ...common,
        ...(classification.field === undefined ? {} : { field: classification.field })
      })
    case "Rejected":
      return new ChannelError.Rejected({ ...common, rejection: classification.rejection })
  }
}

/**
 * The `status` values a delivery receipt carries.
 *
 * @since 0.1.0
 * @category models
 */
export type DlrStatus = "delivered" | "expired" | "failed" | "rejected" | "accepted" | "buffered" | "unknown"

/**
 * A delivery receipt `err-code`.
 *
 * @since 0.1.0
 * @category models
 */
export interface DlrErrorCode {
  readonly code: number
  readonly name: string
  readonly description: string
  /** The state a `failed` receipt with this code becomes. */
  readonly failure: "undeliverable" | "rejected" | "failed"
}

const dlr = (
  code: number,
  name: string,
  description: string,
  failure: DlrErrorCode["failure"]
): DlrErrorCode => ({ code, name, description, failure })

/**
 * Every delivery receipt `err-code` Vonage documents.
 *
 * @since 0.1.0
 * @category tables
 */
export const dlrErrorCodes: ReadonlyArray<DlrErrorCode> = [
  dlr(0, "Delivered", "The message was delivered.", "failed"),
  dlr(1, "Unknown", "An unknown error was received from the carrier, or the carrier does not know the number.", "failed"),
  dlr(2, "Absent Subscriber - Temporary", "The handset was temporarily unavailable (out of coverage or switched off).", "undeliverable"),
  dlr(3, "Absent Subscriber - Permanent", "The number is no longer active.", "undeliverable"),
  dlr(4, "Call Barred by User", "The user barred the number from receiving messages.", "undeliverable"),
  dlr(5, "Portability Error", "There is an issue after the user changed carrier.", "undeliverable"),
  dlr(6, "Anti-Spam Rejection", "The carrier blocked the message (sender id or content).", "rejected"),
  dlr(7, "Handset Busy", "The handset was not available when the message was sent.", "undeliverable"),
  dlr(8, "Network Error", "A network failure while sending the message.", "failed"),
  dlr(9, "Illegal Number", "The number is blacklisted (the user opted out).", "rejected"),
  dlr(10, "Invalid Message", "A parameter of the message was incorrect (for example type or udh).", "rejected"),
  dlr(11, "Unroutable", "The route to the number is not available.", "undeliverable"),
  dlr(12, "Destination Unreachable", "The message could not be delivered to the number.", "undeliverable"),
  dlr(13, "Subscriber Age Restriction", "The carrier blocked the message for age restrictions.", "rejected"),
  dlr(14, "Number Blocked by Carrier", "The carrier blocked the message (no SMS in the plan, suspended account).", "rejected"),
  dlr(15, "Pre-Paid - Insufficient Funds", "The recipient's pre-paid account has too little credit.", "undeliverable"),
  dlr(99, "General Error", "There is a problem with the route chosen for the message.", "failed")
]

const dlrByCode: ReadonlyMap<string, DlrErrorCode> = new Map(dlrErrorCodes.map((code) => [String(code.code), code]))

/**
 * The documented entry for a delivery receipt `err-code`, if any.
 *
 * @since 0.1.0
 * @category tables
 */
export const dlrErrorCode = (errCode: string): DlrErrorCode | undefined => {
  const trimmed = errCode.trim()
  return dlrByCode.get(/^\d+$/.test(trimmed) ? String(Number(trimmed)) : trimmed)
}

/**
 * The `Status` state of a delivery receipt: `delivered` → delivered; `accepted` and `buffered` (held by the
 * carrier, still trying) → submitted; `expired` → expired; `rejected` → rejected; `failed` → by `err-code`
 * (see `dlrErrorCodes`); `unknown` and anything else → unknown.
 *
 * @since 0.1.0
 * @category conversions
 */
export const dlrState = (status: string, errCode?: string | undefined): State => {
  switch (status.trim().toLowerCase()) {
    case "delivered":
      return "delivered"
    case "accepted":
    case "buffered":
      return "submitted"
    case "expired":
      return "expired"
    case "rejected":
      return "rejected"
    case "failed":
      return (errCode === undefined ? undefined : dlrErrorCode(errCode))?.failure ?? "failed"
    default:
      return "unknown"
  }
}
