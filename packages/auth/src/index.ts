/**
 * @since 0.1.0
 */

/**
 * Vonage application JWTs (RS256), cached until shortly before they expire.
 *
 * @since 0.1.0
 */
export * as ApplicationJwt from "./ApplicationJwt.js"

/**
 * KPN webhook signatures: HMAC-SHA256 over the raw body, with a key id and a timestamp window.
 *
 * @since 0.1.0
 */
export * as KpnWebhookSignature from "./KpnWebhookSignature.js"

/**
 * Verification of Vonage Messages API webhooks: HS256 JWTs with a payload hash.
 *
 * @since 0.1.0
 */
export * as MessagesWebhookJwt from "./MessagesWebhookJwt.js"

/**
 * KPN API Store OAuth2 client-credentials tokens and the bearer middleware.
 *
 * @since 0.1.0
 */
export * as OAuthClientCredentials from "./OAuthClientCredentials.js"

/**
 * The error of every signature and webhook-token verifier.
 *
 * @since 0.1.0
 */
export * as SignatureError from "./SignatureError.js"

/**
 * Vonage Basic authentication and key/secret parameters.
 *
 * @since 0.1.0
 */
export * as VonageCredentials from "./VonageCredentials.js"

/**
 * Vonage signed requests and webhooks (`sig`): md5hash, md5, sha1, sha256, sha512.
 *
 * @since 0.1.0
 */
export * as VonageSignature from "./VonageSignature.js"
