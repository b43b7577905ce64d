/**
 * The README's examples, type-checked with the package's tests; the environment-configured channel runs
 * against the simulator in both API shapes.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { OAuthClientCredentials } from "@switchboard/auth"
import { Content, Message, Recipient } from "@switchboard/core"
import { MessagesContract } from "@switchboard/messages-testkit"
import { Simulator } from "@switchboard/simulator"
import { VonageMessagesClient } from "@switchboard/vonage-messages"
import { Duration, Effect, Layer, Redacted } from "effect"
import { ViberChannel } from "../src/index.js"

// --- "Send — v1, direct to Vonage" ---------------------------------------------------------------------

const Viber = ViberChannel.layer({ sender: "654321", category: "transaction", ttl: "1 hour" }).pipe(
  Layer.provide(
    VonageMessagesClient.layer({
      mode: "vonage-basic",
      apiKey: "abcd1234",
      apiSecret: Redacted.make(process.env.VONAGE_API_SECRET ?? "")
    })
  ),
  Layer.provide(NodeHttpClient.layerUndici)
)

const notify = Effect.gen(function*() {
  const viber = yield* ViberChannel.ViberChannel
  const message = yield* Message.make({
    recipient: yield* Recipient.fromPhone("+31612345678"),
    content: Content.text("Your parcel arrives today between 10:00 and 12:00"),
    ttl: Duration.minutes(30)
  })
  return yield* viber.send(message)
})

// --- "Send — v0.1, through KPN (templates too)" --------------------------------------------------------

const ViberThroughKpn = ViberChannel.layer({ sender: "654321" }).pipe(
  Layer.provide(VonageMessagesClient.layer({ mode: "kpn", applicationId: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab" })),
  Layer.provide(
    OAuthClientCredentials.layer({
      clientId: process.env.KPN_CLIENT_ID ?? "",
      clientSecret: Redacted.make(process.env.KPN_CLIENT_SECRET ?? "")
    })
  ),
  Layer.provide(NodeHttpClient.layerUndici)
)

const verification = Effect.gen(function*() {
  const viber = yield* ViberChannel.ViberChannel
  const message = yield* Message.make({
    recipient: yield* Recipient.fromPhone("06 12345678", "NL"),
    content: Content.template("verify", ["Daisy", "12345"]),
    metadata: { "viber.category": "transaction" }
  })
  return yield* viber.send(message)
})

// --- "From the environment" ----------------------------------------------------------------------------

const ViberFromEnvironment = ViberChannel.layerConfig.pipe(
  Layer.provide(VonageMessagesClient.layerConfig),
  Layer.provide(NodeHttpClient.layerUndici)
)

describe("README", () => {
  it("the examples type-check", () => {
    for (const example of [Viber, ViberThroughKpn]) assert.isDefined(example)
  })

  for (const mode of ["vonage-basic", "kpn"] as const) {
    it.live(`"From the environment" sends the README's messages through the simulator (${mode})`, () =>
      Effect.gen(function*() {
        const simulator = yield* Simulator.Simulator
        // the README's variables for the channel; MessagesContract adds the client's, pointing at the simulator
        const environment = MessagesContract.configProvider(simulator, mode, {
          VIBER_SENDER: "654321",
          VIBER_CATEGORY: "transaction",
          VIBER_TTL: "1 hour"
        })
        yield* Effect.gen(function*() {
          yield* notify
          if (mode === "kpn") yield* verification
          else assert.strictEqual((yield* Effect.flip(verification))._tag, "UnsupportedContent")
          const sent = yield* simulator.messages
          assert.strictEqual(sent.length, mode === "kpn" ? 2 : 1)
          assert.isTrue(sent.every((message) => message.channel === "viber_service"))
          const [request] = (yield* simulator.requests).filter((r) => r.api === "messages" || r.api === "kpn-messages")
          const body = JSON.parse(request!.body)
          assert.deepStrictEqual(mode === "kpn" ? body.message.viber_service_msg : body.viber_service, {
            category: "transaction",
            ttl: 1800
          })
        }).pipe(Effect.provide(ViberFromEnvironment), Effect.withConfigProvider(environment))
      }).pipe(Effect.provide(Simulator.layer())))
  }
})
