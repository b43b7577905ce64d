import * as Content from "@switchboard/core/Content"
import type * as Phone from "@switchboard/core/Phone"
import * as Recipient from "@switchboard/core/Recipient"
import { accepted, apiSecret, client, kpnSecret, kpnToken, type Mode, withKpnToken } from "@switchboard/messages-testkit/MockMessagesApi"
import { ChannelConformance, MockHttpClient } from "@switchboard/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ViberChannel from "../src/ViberChannel.js"

for (const mode of ["vonage-basic", "kpn"] as const satisfies ReadonlyArray<Mode>) {
  ChannelConformance.run({
    name: `ViberChannel (${mode === "kpn" ? "v0.1 through KPN" : "v1"})`,
    // built in the suite's scope: the KPN token service lives as long as the channel
    channel: Effect.flatMap(Layer.build(client(mode)), (vonage) =>
      ViberChannel.make({ sender: "654321", ttl: "10 minutes" }).pipe(Effect.provide(vonage))),
    accept: withKpnToken(MockHttpClient.always(accepted)),
    isSend: (request) => request.path.endsWith("/messages"),
    recipient: Recipient.make({ phone: "+447700900000" as Phone.E164 }),
    unaddressable: [Recipient.make({ messengerId: "5234567890123456", viberId: "viber-user-1" })],
    // v0.1 images carry no caption
    samples: mode === "kpn" ? { Image: Content.image("https://example.com/conformance/image.jpg") } : {},
    secrets: mode === "kpn" ? [kpnSecret, kpnToken] : [apiSecret],
    timeout: "30 seconds"
  })
}
