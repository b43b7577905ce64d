/**
 * The one error every verifier in this package fails with: a request signature or webhook token that is
 * missing, malformed, does not match, or is outside its freshness window.
 *
 * Messages name what is wrong (a parameter, a header, a claim) but never contain a secret, an expected
 * signature or a token.
 *
 * @example
 * ```ts
 * import { SignatureError } from "@switchboard/auth"
 * import { Effect } from "effect"
 *
 * const error = new SignatureError.SignatureError({ reason: "Missing", message: "the request has no sig parameter" })
 *
 * // A webhook endpoint answers every signature failure with 401.
 * const webhookError = SignatureError.toWebhookError(error) // WebhookError { reason: "Unauthorized" }
 *
 * Effect.fail(error).pipe(
 *   Effect.catchTag("SignatureError", (e) => Effect.log(`rejected: ${e.reason}`))
 * )
 * ```
 *
 * @since 0.1.0
 */
import { Webhook } from "@switchboard/core"
import * as Schema from "effect/Schema"

/**
 * Why a signature was refused, as a closed set:
 * - `Missing`: the signature, or a part of the signed data it needs (`timestamp`, a header, a claim), is absent;
 * - `Malformed`: something is present but cannot be a valid signature (non-hex, wrong length, a value that is
 *   not a string, a token that is not a JWT);
 * - `Mismatch`: well-formed, but not produced by the shared secret (or signed with an algorithm we do not accept);
 * - `Expired`: authentic, but its timestamp is outside the freshness window.
 *
 * @since 0.1.0
 * @category models
 */
export const Reason = Schema.Literal("Missing", "Malformed", "Mismatch", "Expired")

/**
 * @since 0.1.0
 * @category models
 */
export type Reason = typeof Reason.Type

/**
 * @since 0.1.0
 * @category errors
 */
export class SignatureError extends Schema.TaggedError<SignatureError>("@switchboard/auth/SignatureError")(
  "SignatureError",
  {
    reason: Reason,
    /** A sentence for people. Never contains a secret, a token or an expected signature. */
    message: Schema.String
  }
) {}

/**
 * Every signature failure is a `401 Unauthorized` webhook error.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toWebhookError = (error: SignatureError): Webhook.WebhookError =>
  Webhook.unauthorized(`${error.reason}: ${error.message}`)
