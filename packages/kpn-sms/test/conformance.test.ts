import { OAuthClientCredentials } from "@switchboard/auth"
import { type Phone, Recipient } from "@switchboard/core"
import { ChannelConformance, MockHttpClient } from "@switchboard/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { KpnSmsChannel, KpnSmsClient } from "../src/index.js"
import { fixture, quotaHeaders, tokenPath } from "./support/kpn.js"

const clientSecret = "kpn-conformance-client-secret-7d1e"
const accessToken = "kpn-conformance-access-token-4c2a9b"

const phone = (e164: string) => Recipient.make({ phone: e164 as Phone.E164 })

ChannelConformance.run({
  name: "KpnSmsChannel",
  // the layers are built in the suite's scope, so the token cache and the rate limiter live as long as the channel
  channel: Effect.flatMap(
    Layer.build(
      KpnSmsClient.layer({ timeout: "20 seconds" }).pipe(
        Layer.provide(
          OAuthClientCredentials.layer({
            clientId: "kpn-conformance-client",
            clientSecret: Redacted.make(clientSecret),
            proactiveRefresh: false
          })
        )
      )
    ),
    (context) =>
      KpnSmsChannel.make({ retry: false, sender: "Switchboard", webhookUrl: "https://example.com/kpn/dlr" }).pipe(
        Effect.provide(context)
      )
  ),
  accept: (request) =>
    request.path === tokenPath
      ? MockHttpClient.json({
        ...(fixture("wyre-node-kpn/oauth-token-200.json") as Record<string, string>),
        access_token: accessToken
      })
      : MockHttpClient.json({ document_id: "b4e905d4-774c-4c83-8360-01427e17a33a", status: "OK" }, {
        headers: quotaHeaders(1)
      }),
  isSend: (request) => request.path === KpnSmsClient.defaultPath,
  failures: {
    rateLimited: (seconds) =>
      MockHttpClient.json({
        fault: {
          faultstring: "Rate limit quota violation. Quota limit exceeded. Identifier : _default",
          detail: { errorcode: "policies.ratelimit.QuotaViolation" }
        }
      }, { status: 429, headers: { ...quotaHeaders(1001), "retry-after": String(seconds) } }),
    unavailable: (status) =>
      MockHttpClient.json({ errorResponse: { code: String(status), message: "Internal Server Error" } }, { status }),
    unauthorized: MockHttpClient.json(fixture("wyre-node-kpn/apigee-invalid-access-token-fault.json"), { status: 401 })
  },
  recipient: phone("+31612345678"),
  unaddressable: [phone("+447911123456"), phone("+31201234567"), phone("+31671234567")],
  secrets: [clientSecret, accessToken],
  timeout: "20 seconds"
})
