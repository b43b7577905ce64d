/**
 * The errors a channel can fail with: one closed union, so callers (and the router) can decide what to do
 * with an error without knowing which provider produced it.
 *
 * Every error carries:
 * - `reason`: the closed classification (the `_tag`);
 * - `message`: a sentence for people, never containing a secret;
 * - `retryable`: whether sending the same message again later may succeed;
 * - `providerCode` / `providerText`: the provider's own code and text, kept verbatim, when there is one.
 *
 * @example
 * ```ts
 * import { ChannelError } from "@switchboard/core"
 * import { Effect } from "effect"
 *
 * const limited = new ChannelError.RateLimited({
 *   channel: "sms.vonage",
 *   message: "Vonage throttled the account",
 *   retryAfterMillis: 1000
 * })
 * limited.retryable // true
 *
 * const program = Effect.fail(limited).pipe(
 *   Effect.catchIf(ChannelError.isRetryable, (e) => Effect.log(`retry in ${e.reason}`))
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import { AddressKind } from "./Address.js"
import { ContentKind } from "./Content.js"

/**
 * Fields every channel error has.
 *
 * @since 0.1.0
 */
const common = {
  /** The channel that produced the error (for example `sms.vonage`), or `core` before any channel. */
  channel: Schema.String,
  /** A human sentence explaining what went wrong. Never contains a secret. */
  message: Schema.String,
  /** The provider's own error code, verbatim (`"15"`, `"1120"`, `"oauth.v2.InvalidAccessToken"`). */
  providerCode: Schema.optional(Schema.String),
  /** The provider's own error text, verbatim. */
  providerText: Schema.optional(Schema.String)
}

/**
 * The message itself is wrong: a malformed number, an empty text, a sender that is too long, a text over
 * the channel's limit, or (WhatsApp) free-form content outside the customer care window.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidMessage extends Schema.TaggedError<InvalidMessage>("@switchboard/core/ChannelError/InvalidMessage")(
  "InvalidMessage",
  {
    ...common,
    /** The offending field, when one can be named (`recipient.phone`, `sender`, `content.text`). */
    field: Schema.optional(Schema.String)
  }
) {
  /** @since 0.1.0 */
  get reason(): "InvalidMessage" {
    return this._tag
  }
  /** @since 0.1.0 */
  get retryable(): boolean {
    return false
  }
}

/**
 * The channel cannot carry this kind of content (an image over SMS, a template over Messenger).
 * Raised before any I/O.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnsupportedContent
  extends Schema.TaggedError<UnsupportedContent>("@switchboard/core/ChannelError/UnsupportedContent")(
    "UnsupportedContent",
    {
      ...common,
      content: ContentKind
    }
  )
{
  /** @since 0.1.0 */
  get reason(): "UnsupportedContent" {
    return this._tag
  }
  /** @since 0.1.0 */
  get retryable(): boolean {
    return false
  }
}

/**
 * The recipient has no address this channel can use (no phone number for SMS, no PSID for Messenger, or a
 * number outside the channel's coverage). Routing treats it as "skip this step".
 *
 * @since 0.1.0
 * @category errors
 */
export class Unaddressable extends Schema.TaggedError<Unaddressable>("@switchboard/core/ChannelError/Unaddressable")(
  "Unaddressable",
  {
    ...common,
    address: AddressKind
  }
) {
  /** @since 0.1.0 */
  get reason(): "Unaddressable" {
    return this._tag
  }
  /** @since 0.1.0 */
  get retryable(): boolean {
    return false
  }
}

/**
 * The provider refused the credentials (wrong key, secret, token or signature).
 *
 * @since 0.1.0
 * @category errors
 */
export class AuthenticationFailed
  extends Schema.TaggedError<AuthenticationFailed>("@switchboard/core/ChannelError/AuthenticationFailed")(
    "AuthenticationFailed",
    common
  )
{
  /** @since 0.1.0 */
  get reason(): "AuthenticationFailed" {
    return this._tag
  }
  /** @since 0.1.0 */
  get retryable(): boolean {
    return false
  }
}

/**
 * The provider (or the client-side limiter) throttled the account. `retryAfterMillis` is the provider's
 * hint (`Retry-After`, quota reset), when it gave one.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimited extends Schema.TaggedError<RateLimited>("@switchboard/core/ChannelError/RateLimited")(
  "RateLimited",
  {
    ...common,
    retryAfterMillis: Schema.optional(Schema.NonNegative.pipe(Schema.finite()))
  }
) {
  /** @since 0.1.0 */
  get reason(): "RateLimited" {
    return this._tag
  }
  /** @since 0.1.0 */
  get retryable(): boolean {
    return true
  }
}

/**
 * The provider could not be reached or failed on its side: HTTP 5xx, a network error, a timeout, or a
 * provider code meaning "internal error, try again".
 *
 * @since 0.1.0
 * @category errors
 */
export class ProviderUnavailable
  extends Schema.TaggedError<ProviderUnavailable>("@switchboard/core/ChannelError/ProviderUnavailable")(
    "ProviderUnavailable",
    {
      ...common,
      status: Schema.optional(Schema.Int)
    }
  )
{
  /** @since 0.1.0 */
  get reason(): "ProviderUnavailable" {
    return this._tag
  }
  /** @since 0.1.0 */
  get retryable(): boolean {
    return true
  }
}

/**
 * Why a provider rejected a message, as a closed set.
 *
 * @since 0.1.0
 * @category models
 */
export const RejectionCause = Schema.Literal(
  "InvalidRecipient",
  "BlockedRecipient",
  "InsufficientCredit",
  "InvalidSender",
  "ContentRefused",
  "NotPermitted",
  "Other"
)

/**
 * @since 0.1.0
 * @category models
 */
export type RejectionCause = typeof RejectionCause.Type

/**
 * The provider accepted the request but refused the message: barred or invalid number, no credit, a sender
 * it does not allow, content it refuses, an action the account may not take.
 *
 * @since 0.1.0
 * @category errors
 */
export class Rejected extends Schema.TaggedError<Rejected>("@switchboard/core/ChannelError/Rejected")(
  "Rejected",
  {
    ...common,
    rejection: RejectionCause
  }
) {
  /** @since 0.1.0 */
  get reason(): "Rejected" {
    return this._tag
  }
  /** @since 0.1.0 */
  get retryable(): boolean {
    return false
  }
}

/**
 * Every error a channel can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type ChannelError =
  | InvalidMessage
  | UnsupportedContent
  | Unaddressable
  | AuthenticationFailed
  | RateLimited
  | ProviderUnavailable
  | Rejected

/**
 * The schema of the union, for persisting errors (the router's message log) and decoding them back.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChannelError: Schema.Union<[
  typeof InvalidMessage,
  typeof UnsupportedContent,
  typeof Unaddressable,
  typeof AuthenticationFailed,
  typeof RateLimited,
  typeof ProviderUnavailable,
  typeof Rejected
]> = Schema.Union(
  InvalidMessage,
  UnsupportedContent,
  Unaddressable,
  AuthenticationFailed,
  RateLimited,
  ProviderUnavailable,
  Rejected
)

/**
 * The closed set of reasons: the `_tag` of each error.
 *
 * @since 0.1.0
 * @category models
 */
export type Reason = ChannelError["_tag"]

/**
 * @since 0.1.0
 * @category models
 */
export const Reason = Schema.Literal(
  "InvalidMessage",
  "UnsupportedContent",
  "Unaddressable",
  "AuthenticationFailed",
  "RateLimited",
  "ProviderUnavailable",
  "Rejected"
)

const reasons: ReadonlySet<string> = new Set(Reason.literals)

/**
 * @since 0.1.0
 * @category guards
 */
export const isChannelError = (u: unknown): u is ChannelError =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && reasons.has(u._tag) &&
  Predicate.hasProperty(u, "channel")

/**
 * Whether sending again later may succeed (rate limits and provider outages).
 *
 * @since 0.1.0
 * @category guards
 */
export const isRetryable = (error: ChannelError): error is RateLimited | ProviderUnavailable => error.retryable

/**
 * Whether routing should skip the step rather than count it as a failed attempt: the channel cannot address
 * the recipient or carry the content.
 *
 * @since 0.1.0
 * @category guards
 */
export const isSkip = (error: ChannelError): error is Unaddressable | UnsupportedContent =>
  error._tag === "Unaddressable" || error._tag === "UnsupportedContent"
