import { OAuthClientCredentials } from "@switchboard/auth"
import { type ChannelError, type Content, Message, type Phone, Recipient } from "@switchboard/core"
import { MockHttpClient } from "@switchboard/testing"
import { VonageSmsChannel, VonageSmsClient } from "@switchboard/vonage-sms"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

export const apiKey = "abcd1234"
export const apiSecret = Redacted.make("api-secret-7Hq2xZ9w")
export const signatureSecret = Redacted.make("sig-secret-Lm4Pq8Rt")
export const kpnClientId = "kpn-client-id-3c7e"
export const kpnClientSecret = Redacted.make("kpn-secret-Vb6Nd2Kw")

export const recipient = Recipient.make({ phone: "+447700900000" as Phone.E164 })

export const message = (
  content: Content.Outbound,
  fields?: Partial<Parameters<typeof Message.make>[0]>
): Effect.Effect<Message.Message> =>
  Message.make({ id: "order-1234" as Message.MessageId, recipient, sender: "Acme", content, ...fields })

/** Vonage's answer accepting `parts` parts. */
export const accepted = (parts = 1, options?: { readonly to?: string; readonly clientRef?: string }) =>
  MockHttpClient.json({
    "message-count": String(parts),
    messages: Array.from({ length: parts }, (_, i) => ({
      to: options?.to ?? "447700900000",
      "message-id": `0A00000000000${i + 1}`,
      status: "0",
      "remaining-balance": (10 - 0.0333 * (i + 1)).toFixed(8),
      "message-price": "0.03330000",
      network: "23410",
      ...(options?.clientRef === undefined ? {} : { "client-ref": options.clientRef })
    }))
  })

/** Vonage's answer refusing a single part with `status`. */
export const refused = (status: string, errorText = `error ${status}`) =>
  MockHttpClient.json({ "message-count": "1", messages: [{ status, "error-text": errorText }] })

export const tokenReply = (token: string) =>
  MockHttpClient.json({
    refresh_token_expires_in: "0",
    token_type: "Bearer",
    issued_at: "1521039195424",
    client_id: kpnClientId,
    access_token: token,
    expires_in: "3599",
    status: "approved"
  })

export const directChannel = (
  authentication: VonageSmsClient.Authentication,
  handler: MockHttpClient.Handler,
  options?: {
    readonly channel?: VonageSmsChannel.Options
    readonly client?: Partial<VonageSmsClient.DirectOptions>
  }
) => {
  const http = MockHttpClient.layer(handler)
  const client = VonageSmsClient.layer({ mode: "direct", authentication, ...options?.client })
  return VonageSmsChannel.layer({ retry: false, ...options?.channel }).pipe(
    Layer.provideMerge(client),
    Layer.provideMerge(http)
  )
}

export const basic: VonageSmsClient.Authentication = { type: "basic", apiKey, apiSecret }

export const kpnChannel = (
  handler: MockHttpClient.Handler,
  options?: {
    readonly channel?: VonageSmsChannel.Options
    readonly client?: Partial<VonageSmsClient.KpnOptions>
  }
) => {
  const http = MockHttpClient.layer(handler)
  const oauth = OAuthClientCredentials.layer({ clientId: kpnClientId, clientSecret: kpnClientSecret })
  const client = VonageSmsClient.layer({ mode: "kpn", ...options?.client }).pipe(Layer.provide(oauth))
  return VonageSmsChannel.layer({ retry: false, ...options?.channel }).pipe(
    Layer.provideMerge(client),
    Layer.provideMerge(http)
  )
}

export const send = (m: Message.Message) => Effect.flatMap(VonageSmsChannel.VonageSmsChannel, (channel) => channel.send(m))

export const sends = (requests: ReadonlyArray<MockHttpClient.RecordedRequest>) =>
  requests.filter((r) => r.path.endsWith("/sms/json") || r.path.endsWith("/sms/send"))

/** What each Vonage status code must become: the reason, and the rejection cause for `Rejected`. */
export const expectedStatusCodes: Record<number, readonly [ChannelError.Reason, ChannelError.RejectionCause?]> = {
  1: ["RateLimited"],
  2: ["InvalidMessage"],
  3: ["InvalidMessage"],
  4: ["AuthenticationFailed"],
  5: ["ProviderUnavailable"],
  6: ["Rejected", "InvalidRecipient"],
  7: ["Rejected", "BlockedRecipient"],
  8: ["Rejected", "NotPermitted"],
  9: ["Rejected", "InsufficientCredit"],
  10: ["RateLimited"],
  11: ["Rejected", "NotPermitted"],
  12: ["InvalidMessage"],
  13: ["ProviderUnavailable"],
  14: ["AuthenticationFailed"],
  15: ["Rejected", "InvalidSender"],
  16: ["InvalidMessage"],
  17: ["Rejected", "ContentRefused"],
  18: ["Rejected", "Other"],
  19: ["Rejected", "NotPermitted"],
  20: ["InvalidMessage"],
  21: ["Rejected", "Other"],
  22: ["InvalidMessage"],
  23: ["InvalidMessage"],
  24: ["Rejected", "Other"],
  25: ["Rejected", "Other"],
  26: ["Rejected", "Other"],
  27: ["Rejected", "Other"],
  28: ["Rejected", "Other"],
  29: ["Rejected", "NotPermitted"],
  30: ["Rejected", "Other"],
  31: ["Rejected", "Other"],
  32: ["AuthenticationFailed"],
  33: ["Rejected", "BlockedRecipient"],
  34: ["InvalidMessage"]
}
