import { Phone, Recipient } from "@switchboard/core"
import { ChannelConformance, InMemoryChannel, InMemoryClient, MockHttpClient } from "@switchboard/testing"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

const apiKey = "inmemory-conformance-key-7d1f09c2"

// The reference channel, as a third-party adapter would run the suite.
ChannelConformance.run({
  name: "InMemoryChannel",
  channel: InMemoryChannel.make().pipe(
    Effect.provide(
      InMemoryClient.layer({
        baseUrl: "https://api.inmemory.test",
        apiKey: Redacted.make(apiKey),
        timeout: "10 seconds"
      })
    )
  ),
  accept: () =>
    MockHttpClient.json(
      { message_ids: ["im-000001"], parts: 1, accepted_at: "2026-01-01T10:00:00.000Z" },
      { status: 201 }
    ),
  isSend: (request) => request.method === "POST" && request.path === "/v1/messages",
  recipient: Recipient.make({ phone: Schema.decodeSync(Phone.E164)("+31612345678") }),
  sender: "Switchboard",
  secrets: [apiKey],
  timeout: "10 seconds"
})
