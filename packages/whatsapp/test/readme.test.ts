/**
 * The README's examples, type-checked with the package's tests; the environment-configured channel runs
 * against the simulator in both API shapes.
 */
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import { LibsqlClient } from "@effect/sql-libsql"
import { assert, describe, it } from "@effect/vitest"
import { OAuthClientCredentials } from "@switchboard/auth"
import { Content, Message, Recipient, WebhookHttp } from "@switchboard/core"
import { MessagesContract } from "@switchboard/messages-testkit"
import { Simulator } from "@switchboard/simulator"
import { VonageMessagesClient, VonageMessagesWebhook } from "@switchboard/vonage-messages"
import { DateTime, Effect, Layer, Redacted } from "effect"
import { createServer } from "node:http"
import { ConversationWindow, WhatsAppChannel } from "../src/index.js"
import * as SqlConversationWindow from "../src/SqlConversationWindow.js"

// --- "Send — v1, direct to Vonage" ---------------------------------------------------------------------

const WhatsApp = WhatsAppChannel.layer({ sender: "447700900001", templateLocale: "en_GB" }).pipe(
  Layer.provideMerge(ConversationWindow.layerMemory),
  Layer.provide(
    VonageMessagesClient.layer({
      mode: "vonage-basic",
      apiKey: "abcd1234",
      apiSecret: Redacted.make(process.env.VONAGE_API_SECRET ?? "")
    })
  ),
  Layer.provide(NodeHttpClient.layerUndici)
)

const remind = Effect.gen(function*() {
  const whatsapp = yield* WhatsAppChannel.WhatsAppChannel
  const recipient = yield* Recipient.fromPhone("+31612345678")
  const reminder = yield* Message.make({
    recipient,
    content: Content.template("appointment_reminder", ["Alice", "10:30"])
  })
  const receipt = yield* whatsapp.send(reminder)
  yield* Effect.log(`accepted as ${receipt.providerMessageIds[0]}`)
  return receipt
})

// --- "Send — v0.1, through KPN" ------------------------------------------------------------------------

const WhatsAppThroughKpn = WhatsAppChannel.layer({ sender: "31201234567", templateLocale: "nl" }).pipe(
  Layer.provideMerge(ConversationWindow.layerMemory),
  Layer.provide(VonageMessagesClient.layer({ mode: "kpn", applicationId: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab" })),
  Layer.provide(
    OAuthClientCredentials.layer({
      clientId: process.env.KPN_CLIENT_ID ?? "",
      clientSecret: Redacted.make(process.env.KPN_CLIENT_SECRET ?? "")
    })
  ),
  Layer.provide(NodeHttpClient.layerUndici)
)

const verify = Effect.gen(function*() {
  const whatsapp = yield* WhatsAppChannel.WhatsAppChannel
  const message = yield* Message.make({
    recipient: yield* Recipient.fromPhone("06 12345678", "NL"),
    content: Content.template("whatsapp:hsm:technology:nexmo:verify", ["Nexmo Verification", "64873", "10"])
  })
  return yield* whatsapp.send(message)
})

// --- "Feed the window from the inbound webhook" (type-checked only: it listens on port 8080) ----------

const inbound = VonageMessagesWebhook.parser({
  api: "v1",
  signatureSecret: Redacted.make(process.env.VONAGE_SIGNATURE_SECRET ?? "")
})

const InboundWebhook = HttpRouter.empty.pipe(
  WebhookHttp.mount("/webhooks/whatsapp/inbound", inbound, (events) => Effect.orDie(ConversationWindow.observe(events))),
  HttpServer.serve(),
  Layer.provide(NodeHttpServer.layer(() => createServer(), { port: 8080 })),
  Layer.provide(ConversationWindow.layerMemory)
)

// --- "A window in SQL" ---------------------------------------------------------------------------------

const ConversationWindowLive = SqlConversationWindow.layer.pipe(
  Layer.provide(LibsqlClient.layer({ url: "file:switchboard.db" }))
)

// --- "From the environment" ----------------------------------------------------------------------------

const WhatsAppFromEnvironment = WhatsAppChannel.layerConfig.pipe(
  Layer.provideMerge(ConversationWindow.layerMemory),
  Layer.provide(VonageMessagesClient.layerConfig),
  Layer.provide(NodeHttpClient.layerUndici)
)

describe("README", () => {
  it("the examples type-check", () => {
    for (const example of [WhatsApp, WhatsAppThroughKpn, verify, InboundWebhook, ConversationWindowLive]) {
      assert.isDefined(example)
    }
  })

  for (const mode of ["vonage-basic", "kpn"] as const) {
    it.live(`"From the environment" sends a template, then text once the customer wrote (${mode})`, () =>
      Effect.gen(function*() {
        const simulator = yield* Simulator.Simulator
        // the README's variables for the channel; MessagesContract adds the client's, pointing at the simulator
        const environment = MessagesContract.configProvider(simulator, mode, {
          WHATSAPP_SENDER: "447700900001",
          WHATSAPP_TEMPLATE_LOCALE: "en_GB"
        })
        yield* Effect.gen(function*() {
          const receipt = yield* remind
          const whatsapp = yield* WhatsAppChannel.WhatsAppChannel
          yield* ConversationWindow.record("447700900001", "+31612345678", yield* DateTime.now)
          yield* whatsapp.send(
            yield* Message.make({
              recipient: yield* Recipient.fromPhone("+31612345678"),
              content: Content.text("Thanks, see you at 10:30")
            })
          )
          const sent = yield* simulator.messages
          assert.deepStrictEqual(sent.map((message) => message.channel), ["whatsapp", "whatsapp"])
          assert.strictEqual(sent[0]?.id, receipt.providerMessageIds[0])
        }).pipe(Effect.provide(WhatsAppFromEnvironment), Effect.withConfigProvider(environment))
      }).pipe(Effect.provide(Simulator.layer())))
  }
})
