/**
 * The README's examples, type-checked with the package's tests; the environment-configured channel runs
 * against the simulator in both API shapes.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { OAuthClientCredentials } from "@switchboard/auth"
import { Content, InboundMessage, Message, Recipient } from "@switchboard/core"
import { MessagesContract } from "@switchboard/messages-testkit"
import { Simulator } from "@switchboard/simulator"
import { VonageMessagesClient } from "@switchboard/vonage-messages"
import { DateTime, Effect, Layer, Redacted } from "effect"
import { MessengerChannel } from "../src/index.js"

// --- "Reply — v1, direct to Vonage" --------------------------------------------------------------------

const Messenger = MessengerChannel.layer({ sender: "107083064136738" }).pipe(
  Layer.provide(
    VonageMessagesClient.layer({
      mode: "vonage-basic",
      apiKey: "abcd1234",
      apiSecret: Redacted.make(process.env.VONAGE_API_SECRET ?? "")
    })
  ),
  Layer.provide(NodeHttpClient.layerUndici)
)

const reply = (inbound: InboundMessage.InboundMessage) =>
  Effect.gen(function*() {
    const messenger = yield* MessengerChannel.MessengerChannel
    const message = yield* Message.make({
      recipient: Recipient.make({ messengerId: inbound.from }),
      content: Content.text("Thanks for your message! Your order ships tomorrow.")
    })
    return yield* messenger.send(message)
  })

// --- "Update — v0.1, through KPN, with a message tag" --------------------------------------------------

const MessengerThroughKpn = MessengerChannel.layer({ sender: "107083064136738" }).pipe(
  Layer.provide(VonageMessagesClient.layer({ mode: "kpn", applicationId: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab" })),
  Layer.provide(
    OAuthClientCredentials.layer({
      clientId: process.env.KPN_CLIENT_ID ?? "",
      clientSecret: Redacted.make(process.env.KPN_CLIENT_SECRET ?? "")
    })
  ),
  Layer.provide(NodeHttpClient.layerUndici)
)

const shipped = (psid: string) =>
  Effect.gen(function*() {
    const messenger = yield* MessengerChannel.MessengerChannel
    const message = yield* Message.make({
      recipient: Recipient.make({ messengerId: psid }),
      content: Content.image("https://example.com/track/12345.png"),
      metadata: { "messenger.tag": "POST_PURCHASE_UPDATE" }
    })
    return yield* messenger.send(message)
  })

// --- "From the environment" ----------------------------------------------------------------------------

const MessengerFromEnvironment = MessengerChannel.layerConfig.pipe(
  Layer.provide(VonageMessagesClient.layerConfig),
  Layer.provide(NodeHttpClient.layerUndici)
)

describe("README", () => {
  it("the examples type-check", () => {
    for (const example of [Messenger, MessengerThroughKpn]) assert.isDefined(example)
  })

  for (const mode of ["vonage-basic", "kpn"] as const) {
    it.live(`"From the environment" replies and sends a tagged update through the simulator (${mode})`, () =>
      Effect.gen(function*() {
        const simulator = yield* Simulator.Simulator
        // the README's variables for the channel; MessagesContract adds the client's, pointing at the simulator
        const environment = MessagesContract.configProvider(simulator, mode, { MESSENGER_SENDER: "107083064136738" })
        const inbound = new InboundMessage.InboundMessage({
          channel: "messenger",
          providerMessageId: "11111111-2222-3333-4444-555555555555",
          from: "5234567890123456",
          to: "107083064136738",
          content: Content.text("Where is my order?"),
          receivedAt: yield* DateTime.now
        })
        yield* Effect.gen(function*() {
          yield* reply(inbound)
          yield* shipped("5234567890123456")
          const sent = yield* simulator.messages
          assert.deepStrictEqual(sent.map((message) => message.to), ["5234567890123456", "5234567890123456"])
          const bodies = (yield* simulator.requests)
            .filter((r) => r.api === "messages" || r.api === "kpn-messages")
            .map((r) => JSON.parse(r.body))
          assert.deepStrictEqual(mode === "kpn" ? bodies[1].message.messenger : bodies[1].messenger, {
            category: "message_tag",
            tag: "POST_PURCHASE_UPDATE"
          })
        }).pipe(Effect.provide(MessengerFromEnvironment), Effect.withConfigProvider(environment))
      }).pipe(Effect.provide(Simulator.layer())))
  }
})
