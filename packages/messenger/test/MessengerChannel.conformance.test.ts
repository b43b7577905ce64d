import * as Content from "@switchboard/core/Content"
import type * as Phone from "@switchboard/core/Phone"
import * as Recipient from "@switchboard/core/Recipient"
import { accepted, apiSecret, client, kpnSecret, kpnToken, type Mode, withKpnToken } from "@switchboard/messages-testkit/MockMessagesApi"
import { ChannelConformance, MockHttpClient } from "@switchboard/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as MessengerChannel from "../src/MessengerChannel.js"

for (const mode of ["vonage-basic", "kpn"] as const satisfies ReadonlyArray<Mode>) {
  ChannelConformance.run({
    name: `MessengerChannel (${mode === "kpn" ? "v0.1 through KPN" : "v1"})`,
    // built in the suite's scope: the KPN token service lives as long as the channel
    channel: Effect.flatMap(Layer.build(client(mode)), (vonage) =>
      MessengerChannel.make({ sender: "107083064136738" }).pipe(Effect.provide(vonage))),
    accept: withKpnToken(MockHttpClient.always(accepted)),
    isSend: (request) => request.path.endsWith("/messages"),
    recipient: Recipient.make({ messengerId: "5234567890123456" }),
    // a phone number alone is not a Messenger address
    unaddressable: [Recipient.make({ phone: "+447700900000" as Phone.E164 })],
    // Messenger media carry no caption or file name
    samples: {
      Image: Content.image("https://example.com/conformance/image.jpg"),
      Video: Content.video("https://example.com/conformance/video.mp4"),
      File: Content.file("https://example.com/conformance/file.pdf")
    },
    secrets: mode === "kpn" ? [kpnSecret, kpnToken] : [apiSecret],
    timeout: "30 seconds"
  })
}
