/**
 * The contract-test harness for channels on the Messages API: the simulator in-process on 127.0.0.1, a
 * `WebhookReceiver` (our own `VonageMessagesWebhook` parser mounted with `WebhookHttp`, verifying v1
 * signatures) that the simulator's status and inbound webhooks go to, and a `VonageMessagesClient` pointed
 * at the simulator in either shape: v1 direct to Vonage (HTTP Basic) or v0.1 through KPN (OAuth2).
 *
 * @example
 * ```ts
 * import { assert, it } from "@effect/vitest"
 * import { MessagesContract } from "@switchboard/messages-testkit"
 * import { Effect, Layer } from "effect"
 * import * as ViberChannel from "../src/ViberChannel.js"
 *
 * const environment = ViberChannel.layer({ sender: "654321" }).pipe(
 *   Layer.provideMerge(MessagesContract.layer("v1", () => Effect.void, { rules: [] }))
 * )
 *
 * it.live("statuses come back signed and parsed", () =>
 *   Effect.gen(function*() {
 *     // … send with ViberChannel.ViberChannel …
 *     const events = yield* MessagesContract.settledEvents
 *     assert.isNotEmpty(events)
 *   }).pipe(Effect.provide(environment)))
 * ```
 *
 * @since 0.0.0
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { OAuthClientCredentials } from "@switchboard/auth"
import type { StatusUpdate } from "@switchboard/core/Status"
import type * as Webhook from "@switchboard/core/Webhook"
import { Simulator } from "@switchboard/simulator"
import { OpenApiValidator, WebhookReceiver } from "@switchboard/testing"
import * as VonageMessagesClient from "@switchboard/vonage-messages/VonageMessagesClient"
import * as VonageMessagesWebhook from "@switchboard/vonage-messages/VonageMessagesWebhook"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/**
 * The credentials the simulator accepts and the harness's clients use.
 *
 * @since 0.0.0
 * @category constants
 */
export const apiKey = "contract-key"

/**
 * @since 0.0.0
 * @category constants
 */
export const apiSecret = "contract-api-secret-5d1e"

/**
 * @since 0.0.0
 * @category constants
 */
export const signatureSecret = "contract-signature-secret-88a0"

/**
 * @since 0.0.0
 * @category constants
 */
export const kpnClientId = "contract-kpn-client"

/**
 * @since 0.0.0
 * @category constants
 */
export const kpnClientSecret = "contract-kpn-secret-3b7f"

/**
 * `v1`: direct to Vonage with HTTP Basic, signed webhooks. `v0.1`: through KPN's gateway with an OAuth2 token.
 *
 * @since 0.0.0
 * @category models
 */
export type Shape = "v1" | "v0.1"

/**
 * @since 0.0.0
 * @category models
 */
export interface Service {
  readonly simulator: Simulator.Service
  readonly shape: Shape
  /** Every event our webhook receiver accepted, oldest first. */
  readonly events: Effect.Effect<ReadonlyArray<Webhook.Event>>
  /** Webhooks the receiver refused (the simulator records their status too). */
  readonly refused: Effect.Effect<number>
}

/**
 * @since 0.0.0
 * @category tags
 */
export class Contract extends Context.Tag("@switchboard/messages-testkit/MessagesContract")<Contract, Service>() {}

/**
 * The harness for one shape, with the `scenario` loaded into the simulator (its credentials and webhook
 * URLs are the harness's). `onEvents` runs for every accepted webhook before it is answered (feed a
 * `ConversationWindow` there).
 *
 * @since 0.0.0
 * @category layers
 */
export const layer = <R = never>(
  shape: Shape,
  onEvents: (events: ReadonlyArray<Webhook.Event>) => Effect.Effect<void, never, R> = () => Effect.void,
  scenario: Record<string, unknown> = {}
): Layer.Layer<Contract | VonageMessagesClient.VonageMessagesClient, unknown, R> => {
  const harness = Effect.gen(function*() {
    const simulator = yield* Simulator.make()
    const parser = VonageMessagesWebhook.parser(
      shape === "v1" ? { api: "v1", signatureSecret: Redacted.make(signatureSecret) } : { api: "v0.1" }
    )
    const receiver = yield* WebhookReceiver.make({
      parsers: { "/webhooks/status": parser, "/webhooks/inbound": parser },
      onEvents: (events) => onEvents(events)
    })
    // finalizers run last-first: every scheduled webhook has reached the receiver before it stops
    yield* Effect.addFinalizer(() => simulator.drain)
    yield* simulator.loadScenario({
      ...scenario,
      credentials: {
        vonage: { apiKey, apiSecret },
        kpn: { clientId: kpnClientId, clientSecret: kpnClientSecret }
      },
      webhooks: {
        messages: {
          statusUrl: `${receiver.url}/webhooks/status`,
          inboundUrl: `${receiver.url}/webhooks/inbound`,
          signatureSecret
        },
        kpnMessages: {
          statusUrl: `${receiver.url}/webhooks/status`,
          inboundUrl: `${receiver.url}/webhooks/inbound`
        }
      }
    })
    const service: Service = {
      simulator,
      shape,
      events: receiver.events.all,
      refused: Effect.map(receiver.requests.all, (requests) => requests.filter((request) => request.status >= 400).length)
    }
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

/**
 * The simulator's requests to the Messages API (not token requests), with their parsed bodies.
 *
 * @since 0.0.0
 * @category accessors
 */
export const messageRequests = Effect.flatMap(Contract, ({ simulator }) =>
  Effect.map(simulator.requests, (requests) =>
    requests
      .filter((request) => request.api === "messages" || request.api === "kpn-messages")
      .map((request) => ({ ...request, json: JSON.parse(request.body) as unknown }))))

/**
 * Waits for every webhook the simulator scheduled, then returns what the receiver accepted.
 *
 * @since 0.0.0
 * @category accessors
 */
export const settledEvents = Effect.flatMap(Contract, ({ events, simulator }) => Effect.zipRight(simulator.drain, events))

/**
 * The status updates among `events` for one provider message id, oldest first.
 *
 * @since 0.0.0
 * @category getters
 */
export const statuses = (events: ReadonlyArray<unknown>, providerMessageId: string): ReadonlyArray<StatusUpdate> =>
  (events as ReadonlyArray<StatusUpdate>).filter((event) =>
    event._tag === "StatusUpdate" && event.providerMessageId === providerMessageId
  )

/**
 * The Messages API definition of the harness's shape and its send operation.
 *
 * @since 0.0.0
 * @category models
 */
export interface Definition {
  readonly document: OpenApiValidator.Document
  /** `"POST /v1/messages"` or `"POST /v0.1/messages"`. */
  readonly send: string
  /** The errors of a request (as `messageRequests` returns it, or with another `json`) against `send`. */
  readonly requestErrors: (request: {
    readonly headers: Readonly<Record<string, string | undefined>>
    readonly json: unknown
  }) => ReadonlyArray<string>
}

/**
 * Loads `vonage-messages-v1.mock.yml` or `vonage-messages-v0.1.mock.yml`, for the harness's shape, from the
 * package's own copy of the definitions (`new URL("./fixtures/specs/", import.meta.url)`).
 *
 * @since 0.0.0
 * @category accessors
 */
export const definition = (specs: URL): Effect.Effect<Definition, OpenApiValidator.OpenApiError, Contract> =>
  Effect.gen(function*() {
    const { shape } = yield* Contract
    const document = yield* OpenApiValidator.load(new URL(`vonage-messages-${shape}.mock.yml`, specs))
    const send = shape === "v1" ? "POST /v1/messages" : "POST /v0.1/messages"
    return {
      document,
      send,
      requestErrors: (request) => OpenApiValidator.requestErrors(document, send, { headers: request.headers, body: request.json })
    }
  })

/**
 * The variables `VonageMessagesClient.layerConfig` reads, pointing at `simulator` in `mode` (`KPN_*` for the
 * token endpoint too), plus the channel's own `variables`: what a README's "From the environment" example runs
 * with.
 *
 * @since 0.0.0
 * @category constructors
 */
export const configProvider = (
  simulator: Simulator.Service,
  mode: "vonage-basic" | "kpn",
  variables: Readonly<Record<string, string>> = {}
): ConfigProvider.ConfigProvider =>
  ConfigProvider.fromMap(
    new Map([
      ...Object.entries(variables),
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
