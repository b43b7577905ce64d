import { OAuthClientCredentials } from "@switchboard/auth"
import { MockHttpClient } from "@switchboard/testing"
import * as VonageMessagesClient from "@switchboard/vonage-messages/VonageMessagesClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

export const apiSecret = "messenger-test-api-secret-0b9e"
export const kpnSecret = "messenger-test-kpn-secret-77d3"
export const kpnToken = "messenger-test-kpn-token-0001"

export const accepted = MockHttpClient.json({ message_uuid: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab" }, { status: 202 })

/** KPN's token endpoint (every value a string, as Apigee answers), then `handler` for everything else. */
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

export type Mode = "vonage-basic" | "kpn"

/** The client in `mode`, needing an `HttpClient`. */
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

/** The client in `mode` on a `MockHttpClient` answering with `handler` (and KPN's token endpoint). */
export const mockedClient = (mode: Mode, handler: MockHttpClient.Handler) =>
  client(mode).pipe(Layer.provideMerge(MockHttpClient.layer(withKpnToken(handler))))

/** Only the Messages API sends, not token requests. */
export const sends = (requests: ReadonlyArray<MockHttpClient.RecordedRequest>) =>
  requests.filter((request) => request.path.endsWith("/messages"))
