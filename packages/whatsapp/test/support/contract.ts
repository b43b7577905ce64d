/**
 * The contract-test harness: the simulator in-process on 127.0.0.1, a webhook receiver (our own
 * `VonageMessagesWebhook` parser mounted with `WebhookHttp`, verifying v1 signatures) that the simulator's
 * status and inbound webhooks go to, and a `VonageMessagesClient` pointed at the simulator in either shape.
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { OAuthClientCredentials } from "@switchboard/auth"
import type * as Webhook from "@switchboard/core/Webhook"
import * as WebhookHttp from "@switchboard/core/WebhookHttp"
import { Simulator } from "@switchboard/simulator"
import * as VonageMessagesClient from "@switchboard/vonage-messages/VonageMessagesClient"
import * as VonageMessagesWebhook from "@switchboard/vonage-messages/VonageMessagesWebhook"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as NodeHttp from "node:http"

export const apiKey = "contract-key"
export const apiSecret = "contract-api-secret-5d1e"
export const signatureSecret = "contract-signature-secret-88a0"
export const kpnClientId = "contract-kpn-client"
export const kpnClientSecret = "contract-kpn-secret-3b7f"

export type Shape = "v1" | "v0.1"

export interface Service {
  readonly simulator: Simulator.Service
  readonly shape: Shape
  /** Every event our webhook receiver accepted, oldest first. */
  readonly events: Effect.Effect<ReadonlyArray<Webhook.Event>>
  /** Webhooks the receiver refused (the simulator records their status too). */
  readonly refused: Effect.Effect<number>
}

export class Contract extends Context.Tag("test/Contract")<Contract, Service>() {}

/**
 * The harness for one shape. `onEvents` runs for every accepted webhook (feed a `ConversationWindow` there).
 */
export const layer = <R = never>(
  shape: Shape,
  onEvents: (events: ReadonlyArray<Webhook.Event>) => Effect.Effect<void, never, R> = () => Effect.void,
  scenario: Record<string, unknown> = {}
): Layer.Layer<Contract | VonageMessagesClient.VonageMessagesClient, unknown, R> => {
  const harness = Effect.gen(function*() {
    const simulator = yield* Simulator.make()
    const received = yield* Ref.make<ReadonlyArray<Webhook.Event>>([])
    const refused = yield* Ref.make(0)
    const parser = VonageMessagesWebhook.parser(
      shape === "v1" ? { api: "v1", signatureSecret: Redacted.make(signatureSecret) } : { api: "v0.1" }
    )
    const handle = (events: ReadonlyArray<Webhook.Event>) =>
      Effect.zipRight(Ref.update(received, (all) => [...all, ...events]), onEvents(events))
    const countRefusals: Webhook.Parser = (request) =>
      parser(request).pipe(Effect.tapError(() => Ref.update(refused, (n) => n + 1)))
    const router = HttpRouter.empty.pipe(
      WebhookHttp.mount("/webhooks/status", countRefusals, handle),
      WebhookHttp.mount("/webhooks/inbound", countRefusals, handle)
    )
    const server = yield* NodeHttpServer.make(() => NodeHttp.createServer(), { port: 0, host: "127.0.0.1" })
    yield* server.serve(router)
    // finalizers run last-first: every scheduled webhook has reached the receiver before it stops
    yield* Effect.addFinalizer(() => simulator.drain)
    const address = server.address
    const receiver = `http://127.0.0.1:${address._tag === "TcpAddress" ? address.port : 0}`
    yield* simulator.loadScenario({
      ...scenario,
      credentials: {
        vonage: { apiKey, apiSecret },
        kpn: { clientId: kpnClientId, clientSecret: kpnClientSecret }
      },
      webhooks: {
        messages: {
          statusUrl: `${receiver}/webhooks/status`,
          inboundUrl: `${receiver}/webhooks/inbound`,
          signatureSecret
        },
        kpnMessages: {
          statusUrl: `${receiver}/webhooks/status`,
          inboundUrl: `${receiver}/webhooks/inbound`
        }
      }
    })
    const service: Service = { simulator, shape, events: Ref.get(received), refused: Ref.get(refused) }
    const client = shape === "v1"
      ? VonageMessagesClient.layer({
        mode: "vonage-basic",
        apiKey,
        apiSecret: Redacted.make(apiSecret),
        baseUrl: simulator.baseUrl
      })
      : VonageMessagesClient.layer({ mode: "kpn", applicationId: "app-0001", baseUrl: `${simulator.baseUrl}/communication/nexmo` }).pipe(
        Layer.provide(
          OAuthClientCredentials.layer({
            clientId: kpnClientId,
            clientSecret: Redacted.make(kpnClientSecret),
            tokenUrl: `${simulator.baseUrl}/oauth/client_credential/accesstoken`,
            proactiveRefresh: false
          })
        )
      )
    return Layer.merge(Layer.succeed(Contract, service), client)
  })
  return Layer.unwrapScoped(harness).pipe(Layer.provide(NodeHttpClient.layerUndici))
}

/** The simulator's requests to the Messages API (not token requests), with their parsed bodies. */
export const messageRequests = Effect.flatMap(Contract, ({ simulator }) =>
  Effect.map(simulator.requests, (requests) =>
    requests
      .filter((request) => request.api === "messages" || request.api === "kpn-messages")
      .map((request) => ({ ...request, json: JSON.parse(request.body) as unknown }))))

/** Waits for every webhook the simulator scheduled, then returns what the receiver accepted. */
export const settledEvents = Effect.flatMap(Contract, ({ events, simulator }) => Effect.zipRight(simulator.drain, events))
