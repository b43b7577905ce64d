/**
 * A `VonageMessagesClient` on `@switchboard/testing`'s `MockHttpClient`, for unit and conformance tests of the
 * channels on the Messages API: in `vonage-basic` mode (v1, HTTP Basic) or `kpn` mode (v0.1 through KPN, with
 * KPN's token endpoint answered as Apigee does).
 *
 * @example
 * ```ts
 * import { assert, it } from "@effect/vitest"
 * import { MockMessagesApi } from "@switchboard/messages-testkit"
 * import { MockHttpClient } from "@switchboard/testing"
 * import { Effect } from "effect"
 *
 * it.effect("sends one request to the Messages API", () =>
 *   Effect.gen(function*() {
 *     // … send with the channel under test, built on VonageMessagesClient …
 *     assert.strictEqual(MockMessagesApi.sends(yield* MockHttpClient.requests).length, 1)
 *   }).pipe(Effect.provide(MockMessagesApi.mockedClient("kpn", MockHttpClient.always(MockMessagesApi.accepted)))))
 * ```
 *
 * @since 0.0.0
 */
import { OAuthClientCredentials } from "@switchboard/auth"
import { MockHttpClient } from "@switchboard/testing"
import * as VonageMessagesClient from "@switchboard/vonage-messages/VonageMessagesClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/**
 * The secrets the clients are configured with (for `ChannelConformance`'s `secrets`).
 *
 * @since 0.0.0
 * @category constants
 */
export const apiSecret = "messages-test-api-secret-7c1f"

/**
 * @since 0.0.0
 * @category constants
 */
export const kpnSecret = "messages-test-kpn-secret-92ab"

/**
 * The access token KPN's token endpoint hands out.
 *
 * @since 0.0.0
 * @category constants
 */
export const kpnToken = "messages-test-kpn-token-0001"

/**
 * The Messages API's answer accepting a message.
 *
 * @since 0.0.0
 * @category outcomes
 */
export const accepted = MockHttpClient.json({ message_uuid: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab" }, { status: 202 })

/**
 * KPN's token endpoint (every value a string, as Apigee answers), then `handler` for everything else.
 *
 * @since 0.0.0
 * @category handlers
 */
export const withKpnToken = (handler: MockHttpClient.Handler): MockHttpClient.Handler =>
  MockHttpClient.routes({
    "POST /oauth/client_credential/accesstoken": MockHttpClient.json({
      access_token: kpnToken,
      token_type: "BearerToken",
      expires_in: "3599",
      issued_at: "1700000000000",
      status: "approved"
    })
  }, handler)

/**
 * @since 0.0.0
 * @category models
 */
export type Mode = "vonage-basic" | "kpn"

/**
 * The client in `mode`, needing an `HttpClient`.
 *
 * @since 0.0.0
 * @category layers
 */
export const client = (mode: Mode) =>
  mode === "vonage-basic"
    ? VonageMessagesClient.layer({ mode, apiKey: "abcd1234", apiSecret: Redacted.make(apiSecret) })
    : VonageMessagesClient.layer({ mode, applicationId: "app-0001" }).pipe(
      Layer.provide(
        OAuthClientCredentials.layer({
          clientId: "kpn-client",
          clientSecret: Redacted.make(kpnSecret),
          proactiveRefresh: false
        })
      )
    )

/**
 * The client in `mode` on a `MockHttpClient` answering with `handler` (and KPN's token endpoint).
 *
 * @since 0.0.0
 * @category layers
 */
export const mockedClient = (mode: Mode, handler: MockHttpClient.Handler) =>
  client(mode).pipe(Layer.provideMerge(MockHttpClient.layer(withKpnToken(handler))))

/**
 * Only the Messages API sends, not token requests.
 *
 * @since 0.0.0
 * @category getters
 */
export const sends = (requests: ReadonlyArray<MockHttpClient.RecordedRequest>) =>
  requests.filter((request) => request.path.endsWith("/messages"))
