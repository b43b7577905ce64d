/**
 * The README's examples, type-checked with the package's tests, and the "Send an SMS" one run against the
 * simulator with its configuration from environment variables.
 */
import { HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpClient, NodeHttpServer } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { OAuthClientCredentials } from "@switchboard/auth"
import { Content, Message, Recipient, WebhookHttp } from "@switchboard/core"
import { Simulator } from "@switchboard/simulator"
import { ConfigProvider, Effect, Layer, Option } from "effect"
import { createServer } from "node:http"
import { KpnSmsChannel, KpnSmsClient, KpnSmsWebhook } from "../src/index.js"

// --- "Send an SMS" -------------------------------------------------------------------------------------

const KpnSms = KpnSmsChannel.layerConfig.pipe(
  Layer.provideMerge(KpnSmsClient.layerConfig),
  Layer.provide(OAuthClientCredentials.layerConfig),
  Layer.provide(NodeHttpClient.layerUndici)
)

const program = Effect.gen(function*() {
  const sms = yield* KpnSmsChannel.KpnSmsChannel
  const message = yield* Message.make({
    recipient: yield* Recipient.fromPhone("06 12345678", "NL"),
    content: Content.text("Your code is 123456")
  })
  const receipt = yield* sms.send(message)
  yield* Effect.log(`accepted by KPN as document ${receipt.providerMessageIds[0]}`)
  return receipt
})

// --- "One text to many recipients" ---------------------------------------------------------------------

const warnEveryone = (numbers: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const kpn = yield* KpnSmsClient.KpnSmsClient
    const result = yield* kpn.broadcast({
      text: "Storm warning: the office is closed today.",
      to: numbers,
      sender: "Office",
      webhookUrl: "https://example.com/webhooks/kpn",
      retry: { attempts: 3, initialDelay: "1 second" }
    })
    yield* Effect.log(`${result.accepted.length} accepted in ${result.documentIds.length} calls`)
    for (const batch of result.batches) {
      if (batch._tag === "BatchFailed") yield* Effect.logWarning(`${batch.recipients.length}: ${batch.error.message}`)
    }
    const quota = yield* kpn.lastQuota
    if (Option.isSome(quota)) yield* Effect.log(`${quota.value.remaining} calls left until ${quota.value.resetAt}`)
    return result
  })

// --- "Delivery reports and inbound SMS" (type-checked only: it listens on port 8080) --------------------

const app = Effect.gen(function*() {
  const kpn = yield* KpnSmsWebhook.KpnSmsWebhook
  return HttpRouter.empty.pipe(
    WebhookHttp.mount("/webhooks/kpn", kpn.parse, (events) =>
      Effect.forEach(events, (event) =>
        event._tag === "StatusUpdate"
          ? Effect.log(`document ${event.providerMessageId} to ${event.recipient}: ${event.state} (${event.providerText})`)
          : Effect.log(`${event.from} → ${event.to}: ${event.content._tag === "Text" ? event.content.text : "(binary)"}`)))
  )
})

export const Server = Layer.unwrapEffect(Effect.map(app, (router) => HttpServer.serve(router))).pipe(
  Layer.provide(KpnSmsWebhook.layerConfig),
  Layer.provide(NodeHttpServer.layer(createServer, { port: 8080 }))
)

// --- running them ---------------------------------------------------------------------------------------

describe("README", () => {
  it.live("the quick start and the broadcast work from environment variables, against the simulator", () =>
    Effect.gen(function*() {
      const simulator = yield* Simulator.Simulator
      const env = ConfigProvider.fromMap(
        new Map([
          ["KPN_BASE_URL", simulator.baseUrl],
          ["KPN_TOKEN_URL", `${simulator.baseUrl}/oauth/client_credential/accesstoken`],
          ["KPN_CLIENT_ID", "readme-client"],
          ["KPN_CLIENT_SECRET", "readme-client-secret"],
          ["KPN_SMS_SENDER", "Switchboard"],
          ["KPN_SMS_WEBHOOK_URL", "https://example.com/webhooks/kpn"]
        ])
      )
      const receipt = yield* program.pipe(Effect.provide(KpnSms), Effect.withConfigProvider(env))
      const result = yield* warnEveryone(["0612345678", "+31 6 1234 5679"]).pipe(
        Effect.provide(KpnSms),
        Effect.withConfigProvider(env)
      )
      const accepted = yield* simulator.messages
      assert.deepStrictEqual(accepted.map((m) => m.id), [receipt.providerMessageIds[0], result.documentIds[0]])
      assert.strictEqual(accepted[0]!.from, "Switchboard")
      assert.strictEqual(accepted[1]!.to, "+31612345678,+31612345679")
    }).pipe(Effect.provide(Simulator.layer())))
})
