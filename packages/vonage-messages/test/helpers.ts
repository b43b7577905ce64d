import { ApplicationJwt, OAuthClientCredentials } from "@switchboard/auth"
import { MockHttpClient } from "@switchboard/testing"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as NodeCrypto from "node:crypto"
import * as VonageMessagesClient from "../src/VonageMessagesClient.js"

export const apiSecret = "s3cr3t-api-secret"
export const kpnSecret = "kpn-client-s3cr3t"
export const kpnToken = "kpn-access-token-0001"

export const keys = NodeCrypto.generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" }
})

/** The KPN token endpoint, as the fake transport answers it (every value a string, as Apigee does). */
export const kpnTokenRoute = {
  "POST /oauth/client_credential/accesstoken": MockHttpClient.json({
    access_token: kpnToken,
    token_type: "BearerToken",
    expires_in: "3599",
    issued_at: "1700000000000",
    status: "approved"
  })
}

export type Mode = "vonage-basic" | "vonage-jwt" | "kpn"

/** A `VonageMessagesClient` in the given mode, on top of a `MockHttpClient` answering with `handler`. */
export const clientLayer = (mode: Mode, handler: MockHttpClient.Handler) => {
  const mock = MockHttpClient.layer(MockHttpClient.routes(kpnTokenRoute, handler))
  switch (mode) {
    case "vonage-basic":
      return VonageMessagesClient.layer({ mode, apiKey: "abcd1234", apiSecret: Redacted.make(apiSecret) }).pipe(
        Layer.provideMerge(mock)
      )
    case "vonage-jwt":
      return VonageMessagesClient.layer({ mode }).pipe(
        Layer.provide(
          ApplicationJwt.layer({ applicationId: "app-0001", privateKey: Redacted.make(keys.privateKey) })
        ),
        Layer.provideMerge(mock)
      )
    case "kpn":
      return VonageMessagesClient.layer({ mode, applicationId: "app-0001" }).pipe(
        Layer.provide(
          OAuthClientCredentials.layer({
            clientId: "kpn-client",
            clientSecret: Redacted.make(kpnSecret),
            proactiveRefresh: false
          })
        ),
        Layer.provideMerge(mock)
      )
  }
}
