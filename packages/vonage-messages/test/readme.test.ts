/**
 * The README's examples, type-checked with the package's tests; the environment-configured client and the
 * webhook parser run against the simulator.
 */
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { ApplicationJwt, OAuthClientCredentials } from "@switchboard/auth"
import { Capabilities, WebhookHttp } from "@switchboard/core"
import { Simulator } from "@switchboard/simulator"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import { createServer } from "node:http"
import { Applications, MessagesChannel, VonageMessagesClient, VonageMessagesWebhook } from "../src/index.js"

// --- "v1, direct to Vonage (HTTP Basic)" ---------------------------------------------------------------

const Vonage = VonageMessagesClient.layer({
  mode: "vonage-basic",
  apiKey: "abcd1234",
  apiSecret: Redacted.make(process.env.VONAGE_API_SECRET ?? "")
}).pipe(Layer.provide(NodeHttpClient.layerUndici))

const hello = Effect.gen(function*() {
  const client = yield* VonageMessagesClient.VonageMessagesClient
  const { messageUuid } = yield* client.send({
    channel: "whatsapp",
    from: "447700900001",
    to: "447700900000",
    payload: { type: "text", text: "Your parcel arrives today" }
  })
  return messageUuid
})

// --- "v1, direct to Vonage (application JWT)" ----------------------------------------------------------

const VonageJwt = VonageMessagesClient.layer({ mode: "vonage-jwt" }).pipe(
  Layer.provide(
    ApplicationJwt.layer({
      applicationId: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
      privateKey: Redacted.make(process.env.VONAGE_PRIVATE_KEY ?? "")
    })
  ),
  Layer.provide(NodeHttpClient.layerUndici)
)

// --- "v0.1, through KPN" -------------------------------------------------------------------------------

const Kpn = VonageMessagesClient.layer({ mode: "kpn", applicationId: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab" }).pipe(
  Layer.provide(
    OAuthClientCredentials.layer({
      clientId: process.env.KPN_CLIENT_ID ?? "",
      clientSecret: Redacted.make(process.env.KPN_CLIENT_SECRET ?? "")
    })
  ),
  Layer.provide(NodeHttpClient.layerUndici)
)

// --- "From the environment" ----------------------------------------------------------------------------

const FromEnvironment = VonageMessagesClient.layerConfig.pipe(Layer.provide(NodeHttpClient.layerUndici))

// --- "Webhooks" (type-checked only: it listens on port 8080) -------------------------------------------

const v1 = VonageMessagesWebhook.parser({
  api: "v1",
  signatureSecret: Redacted.make(process.env.VONAGE_SIGNATURE_SECRET ?? "")
})
const kpn = VonageMessagesWebhook.parser({ api: "v0.1" })

const Webhooks = HttpRouter.empty.pipe(
  WebhookHttp.mount("/webhooks/vonage/status", v1, (events) => Effect.log(`${events.length} status updates`)),
  WebhookHttp.mount("/webhooks/vonage/inbound", v1, (events) => Effect.log(`${events.length} inbound messages`)),
  WebhookHttp.mount("/webhooks/kpn/messages", kpn, (events) => Effect.log(`${events.length} events`)),
  HttpServer.serve(),
  Layer.provide(NodeHttpServer.layer(() => createServer(), { port: 8080 }))
)

// --- "The Applications API" ----------------------------------------------------------------------------

const setUp = Effect.gen(function*() {
  const applications = yield* Applications.Applications
  const created = yield* applications.create({
    name: "switchboard",
    inboundUrl: "https://example.com/webhooks/vonage/inbound",
    statusUrl: "https://example.com/webhooks/vonage/status"
  })
  const page = yield* applications.list({ page: 1, pageSize: 20 })
  yield* Effect.log(`${page.totalItems ?? page.applications.length} applications`)
  return created.id
}).pipe(
  Effect.provide(
    Applications.layer({ mode: "vonage-basic", apiKey: "abcd1234", apiSecret: Redacted.make("secret") }).pipe(
      Layer.provide(NodeHttpClient.layerUndici)
    )
  )
)

// --- "Your own channel on the Messages API" ------------------------------------------------------------

const SmsOverMessages = MessagesChannel.make({
  channel: "sms",
  capabilities: () =>
    Capabilities.make({
      channel: VonageMessagesClient.channelId("sms"),
      outbound: ["Text"],
      inbound: ["Text"],
      address: "phone",
      receipts: ["delivered"],
      maxTextLength: 1000
    }),
  sender: "447700900001",
  payload: (content, context) =>
    content._tag === "Text"
      ? Effect.succeed({ type: "text", text: content.text } as const)
      : Effect.fail(MessagesChannel.unsupported(context, content))
})

describe("README", () => {
  it("the examples type-check", () => {
    for (const example of [Vonage, VonageJwt, Kpn, FromEnvironment, Webhooks, setUp, SmsOverMessages]) {
      assert.isDefined(example)
    }
  })

  for (const mode of ["vonage-basic", "kpn"] as const) {
    it.live(`"From the environment" sends through the simulator (${mode})`, () =>
      Effect.gen(function*() {
        const simulator = yield* Simulator.Simulator
        const environment = ConfigProvider.fromMap(
          new Map([
            ["VONAGE_MESSAGES_MODE", mode],
            ["VONAGE_MESSAGES_BASE_URL", mode === "kpn" ? `${simulator.baseUrl}/communication/nexmo` : simulator.baseUrl],
            ["VONAGE_API_KEY", "abcd1234"],
            ["VONAGE_API_SECRET", "readme-api-secret"],
            ["KPN_CLIENT_ID", "readme-client"],
            ["KPN_CLIENT_SECRET", "readme-kpn-secret"],
            ["KPN_TOKEN_URL", `${simulator.baseUrl}/oauth/client_credential/accesstoken`],
            ["KPN_MESSAGES_APPLICATION_ID", "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"]
          ])
        )
        const messageUuid = yield* hello.pipe(
          Effect.provide(FromEnvironment),
          Effect.withConfigProvider(environment)
        )
        const [sent] = yield* simulator.messages
        assert.strictEqual(sent?.id, messageUuid)
        assert.strictEqual(sent?.api, mode === "kpn" ? "kpn-messages" : "messages")
      }).pipe(Effect.provide(Simulator.layer())))
  }
})
