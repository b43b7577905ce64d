/**
 * Vonage's two plain credential forms: HTTP Basic (`Authorization: Basic base64(api_key:api_secret)`), used by
 * the Messages API and, optionally, the SMS API; and `api_key` + `api_secret` request parameters, the SMS API's
 * legacy form. (Signed requests are in `VonageSignature`, application JWTs in `ApplicationJwt`.)
 *
 * The secret stays `Redacted` until the header or parameters are built for a request.
 *
 * @example
 * ```ts
 * import { VonageCredentials } from "@switchboard/auth"
 * import { HttpClient, HttpClientRequest } from "@effect/platform"
 * import { Effect, Redacted } from "effect"
 *
 * const apiSecret = Redacted.make("my-api-secret")
 *
 * // a header value
 * const authorization = VonageCredentials.basicAuthorization("abcd1234", apiSecret) // "Basic YWJjZDEyMzQ6..."
 *
 * // form parameters for https://rest.nexmo.com/sms/json
 * const body = { from: "Acme", to: "447700900000", text: "Hi", ...VonageCredentials.keySecretParams("abcd1234", apiSecret) }
 *
 * // or every request of a client
 * const program = Effect.gen(function*() {
 *   const client = VonageCredentials.withBasicAuth(yield* HttpClient.HttpClient, "abcd1234", apiSecret)
 *   return yield* client.execute(HttpClientRequest.post("https://api.nexmo.com/v1/messages"))
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Redacted from "effect/Redacted"

/**
 * The value of an `Authorization` header for HTTP Basic authentication with a Vonage API key and secret.
 *
 * @since 0.1.0
 * @category constructors
 */
export const basicAuthorization = (apiKey: string, apiSecret: Redacted.Redacted<string>): string =>
  `Basic ${Buffer.from(`${apiKey}:${Redacted.value(apiSecret)}`, "utf8").toString("base64")}`

/**
 * The `api_key` and `api_secret` request parameters of the SMS API's key/secret authentication.
 *
 * @since 0.1.0
 * @category constructors
 */
export const keySecretParams = (
  apiKey: string,
  apiSecret: Redacted.Redacted<string>
): { readonly api_key: string; readonly api_secret: string } => ({
  api_key: apiKey,
  api_secret: Redacted.value(apiSecret)
})

/**
 * An `HttpClient` that adds HTTP Basic authentication to every request.
 *
 * @since 0.1.0
 * @category middleware
 */
export const withBasicAuth = <E, R>(
  client: HttpClient.HttpClient.With<E, R>,
  apiKey: string,
  apiSecret: Redacted.Redacted<string>
): HttpClient.HttpClient.With<E, R> =>
  HttpClient.mapRequest(client, HttpClientRequest.setHeader("authorization", basicAuthorization(apiKey, apiSecret)))
