import type * as Phone from "@switchboard/core/Phone"
import * as Recipient from "@switchboard/core/Recipient"
import { accepted, apiSecret, client, kpnSecret, kpnToken, type Mode, withKpnToken } from "@switchboard/messages-testkit/MockMessagesApi"
import { ChannelConformance, MockHttpClient } from "@switchboard/testing"
import * as Content from "@switchboard/core/Content"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ConversationWindow from "../src/ConversationWindow.js"
import * as WhatsAppChannel from "../src/WhatsAppChannel.js"

const business = "447700900001"
const phone = "+447700900000" as Phone.E164

for (const mode of ["vonage-basic", "kpn"] as const satisfies ReadonlyArray<Mode>) {
  ChannelConformance.run({
    name: `WhatsAppChannel (${mode === "kpn" ? "v0.1 through KPN" : "v1"})`,
    // the customer wrote to the business (at the start of the test clock), so free-form content is allowed
    channel: Effect.gen(function*() {
      const window = yield* ConversationWindow.makeMemory
      yield* window.record(ConversationWindow.key(business, phone), DateTime.unsafeMake(0))
      // built in the suite's scope: the KPN token service lives as long as the channel
      const vonage = yield* Layer.build(client(mode))
      return yield* WhatsAppChannel.make({ sender: business }).pipe(
        Effect.provideService(ConversationWindow.ConversationWindow, window),
        Effect.provide(vonage)
      )
    }),
    accept: withKpnToken(MockHttpClient.always(accepted)),
    isSend: (request) => request.path.endsWith("/messages"),
    recipient: Recipient.make({ phone }),
    // a Messenger id alone is not a WhatsApp address
    unaddressable: [Recipient.make({ messengerId: "5234567890123456" })],
    // v0.1 has no file name
    samples: mode === "kpn" ? { File: Content.file("https://example.com/conformance/file.pdf", { caption: "Report" }) } : {},
    secrets: mode === "kpn" ? [kpnSecret, kpnToken] : [apiSecret],
    timeout: "30 seconds"
  })
}
