import { OAuthClientCredentials } from "@switchboard/auth"
import { ChannelConformance, MockHttpClient } from "@switchboard/testing"
import { VonageSmsChannel, VonageSmsClient } from "@switchboard/vonage-sms"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { accepted, apiKey, apiSecret, kpnClientId, kpnClientSecret, recipient, signatureSecret, tokenReply } from "./support.js"

const timeout = "20 seconds"

const direct = (authentication: VonageSmsClient.Authentication) =>
  VonageSmsChannel.make({ retry: false }).pipe(
    Effect.provideServiceEffect(
      VonageSmsClient.VonageSmsClient,
      VonageSmsClient.make({ mode: "direct", authentication, timeout })
    )
  )

for (
  const [name, authentication] of [
    ["Basic", { type: "basic", apiKey, apiSecret }],
    ["key-secret", { type: "key-secret", apiKey, apiSecret }],
    ["signed", { type: "signed", apiKey, signatureSecret, algorithm: "sha256" }]
  ] as const
) {
  ChannelConformance.run({
    name: `VonageSmsChannel (direct, ${name})`,
    channel: direct(authentication),
    accept: () => accepted(),
    recipient,
    sender: "Acme",
    secrets: [apiSecret, signatureSecret],
    timeout
  })
}

const token = "kpn-access-token-9f3b1c"

ChannelConformance.run({
  name: "VonageSmsChannel (through KPN)",
  channel: VonageSmsChannel.make({ retry: false }).pipe(
    Effect.provideServiceEffect(VonageSmsClient.VonageSmsClient, VonageSmsClient.make({ mode: "kpn", timeout })),
    Effect.provideServiceEffect(
      OAuthClientCredentials.OAuthClientCredentials,
      OAuthClientCredentials.make({ clientId: kpnClientId, clientSecret: kpnClientSecret })
    )
  ),
  accept: MockHttpClient.routes({
    "POST /oauth/client_credential/accesstoken": tokenReply(token),
    "POST /communication/nexmo/sms/send": accepted()
  }),
  isSend: (request) => request.path === "/communication/nexmo/sms/send",
  recipient,
  sender: "Acme",
  secrets: [kpnClientSecret, Redacted.make(token)],
  timeout
})
