/**
 * The simulator: a local HTTP server that answers like Vonage SMS, Vonage Messages (v1, and v0.1 through
 * KPN), KPN SMS and KPN's token endpoint, and sends their webhooks back (delivery receipts, statuses,
 * inbound messages), signed as the real ones are. Every provider path is served on one origin, so point
 * each client's base URL at {@link Service.baseUrl}.
 *
 * In-process, `Simulator.layer()` starts it on `127.0.0.1` and a free port for as long as the layer's
 * scope lives; the {@link Simulator} service gives its base URL and the admin operations (requests
 * received, callbacks sent, counters, scenarios, inbound traffic). The same operations are served over
 * HTTP under `/_admin`. Standalone: `pnpm simulator --port 4010 --scenario scenario.json`.
 *
 * @example
 * ```ts
 * import { Simulator } from "@switchboard/simulator"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const simulator = yield* Simulator.Simulator
 *   yield* simulator.loadScenario({
 *     rules: [{ to: "+3161111*", outcome: { type: "undeliverable" } }],
 *     webhooks: { vonageSms: { deliveryReceiptUrl: "http://127.0.0.1:9000/dlr" } }
 *   })
 *   // … send with any client whose base URL is simulator.baseUrl …
 *   yield* simulator.drain // every callback has been sent
 *   return yield* simulator.callbacks
 * })
 *
 * Effect.runPromise(Effect.scoped(program.pipe(Effect.provide(Simulator.layer()))))
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as NodeHttp from "node:http"
import type * as Net from "node:net"
import * as Callbacks from "./internal/callbacks.js"
import * as Inbound from "./internal/inbound.js"
import { makeApp } from "./internal/server.js"
import { State } from "./internal/state.js"
import * as Scenario from "./Scenario.js"
import { type InboundError, type ScenarioError, StartError } from "./SimulatorError.js"

/**
 * A request the simulator received. Credentials are redacted: the `Authorization` value and the
 * `api_secret` / `client_secret` parameters read `[redacted]`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  readonly id: number
  /** ISO 8601. */
  readonly at: string
  /** Which simulated API the path belongs to, `kpn-oauth` for the token endpoint, or `unknown`. */
  readonly api: Scenario.Api | "kpn-oauth" | "unknown"
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>
  /** The raw body (credentials redacted). */
  readonly body: string
  /** The HTTP status answered, once answered. */
  status?: number
  /** The response body, once answered. */
  response?: string
  /** Set when the scenario dropped the connection or never answered. */
  outcome?: "dropped" | "unanswered"
}

/**
 * The kinds of webhook the simulator sends.
 *
 * @since 0.1.0
 * @category models
 */
export type CallbackKind =
  | "sms-dlr"
  | "sms-inbound"
  | "kpn-dlr"
  | "kpn-inbound"
  | "messages-status"
  | "messages-inbound"
  | "kpn-messages-status"
  | "kpn-messages-inbound"

/**
 * A webhook the simulator sent.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedCallback {
  readonly id: number
  readonly at: string
  readonly kind: CallbackKind
  /** The provider id the webhook is about (SMS part id, message UUID, KPN document id, inbound id). */
  readonly messageId?: string
  /** For `GET`, the URL includes the parameters. */
  readonly url: string
  readonly method: "GET" | "POST"
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** The receiver's HTTP status. */
  readonly status?: number
  /** Why the webhook could not be delivered (connection refused, timeout). */
  readonly error?: string
}

/**
 * A message the simulator accepted.
 *
 * @since 0.1.0
 * @category models
 */
export interface SentMessage {
  readonly api: Scenario.Api
  readonly channel: Scenario.Channel
  /** The first part's message id (Vonage SMS), the message UUID (Messages) or the document id (KPN). */
  readonly id: string
  /** Every part's id (Vonage SMS); the UUID (Messages); empty for KPN. */
  readonly partIds: ReadonlyArray<string>
  /** E.164 numbers (comma-separated for a KPN request with several), or the channel id. */
  readonly to: string
  readonly from: string
  readonly text?: string
  /** The scenario outcome applied. */
  readonly outcome: Scenario.Outcome["type"]
  readonly at: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Counters {
  /** Provider requests received (admin requests are not counted). */
  readonly requests: number
  readonly byApi: Readonly<Record<string, number>>
  /** KPN access tokens issued. */
  readonly tokensIssued: number
  readonly messagesAccepted: number
  /** Webhooks answered with 2xx. */
  readonly callbacksSent: number
  /** Webhooks answered otherwise, or not at all. */
  readonly callbacksFailed: number
  readonly inboundSent: number
  /** The simulated account balance (EUR). */
  readonly balance: number
  /** KPN gateway calls counted against the quota. */
  readonly quotaUsed: number
}

/**
 * Inbound traffic to inject: a message from a person (`from`) to your number or page (`to`).
 *
 * - `vonage-sms` / `kpn-vonage-sms`: the Vonage inbound SMS webhook (to `url`, the URL registered through
 *   KPN's `/register` for `to`, or `webhooks.vonageSms.inboundUrl`), split into `concat-*` parts when the
 *   text needs several SMS; `order` sends the parts `reverse`d or in an explicit 1-based order (`[2, 3, 1]`).
 * - `kpn-sms`: KPN's inbound SMS webhook (`webhooks.kpnSms.inboundUrl`), signed with the KPN signing key.
 * - `messages`: the Messages v1 inbound webhook for `channel` (default `sms`; `webhooks.messages.inboundUrl`).
 * - `kpn-messages`: the v0.1 inbound webhook (`webhooks.kpnMessages.inboundUrl`).
 *
 * `duplicate` sends every webhook that many extra times.
 *
 * @since 0.1.0
 * @category models
 */
export const InboundMessage = Schema.Struct({
  api: Scenario.Api,
  from: Schema.String,
  to: Schema.String,
  text: Schema.String,
  channel: Schema.optional(Scenario.Channel),
  url: Schema.optional(Schema.String),
  order: Schema.optional(Schema.Union(Schema.Literal("natural", "reverse"), Schema.Array(Schema.Int))),
  duplicate: Schema.optional(Schema.NonNegativeInt)
})

/**
 * @since 0.1.0
 * @category models
 */
export type InboundMessage = typeof InboundMessage.Type

/**
 * The running simulator.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `http://127.0.0.1:<port>`: the base URL of every simulated API. */
  readonly baseUrl: string
  readonly port: number
  /** Requests received, oldest first (the last `historyLimit` of them). */
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  /** Webhooks sent, oldest first. */
  readonly callbacks: Effect.Effect<ReadonlyArray<RecordedCallback>>
  /** Messages accepted, oldest first. */
  readonly messages: Effect.Effect<ReadonlyArray<SentMessage>>
  readonly counters: Effect.Effect<Counters>
  readonly scenario: Effect.Effect<Scenario.Scenario>
  /** Validates and loads a scenario (JSON form); the account balance and quota start again. */
  readonly loadScenario: (input: unknown) => Effect.Effect<void, ScenarioError>
  /** Forgets requests, callbacks, messages, tokens and counters; the scenario stays. */
  readonly reset: Effect.Effect<void>
  /** Sends inbound traffic now and returns the webhooks sent. */
  readonly inbound: (message: InboundMessage) => Effect.Effect<ReadonlyArray<RecordedCallback>, InboundError>
  /** Waits until every scheduled webhook has been sent. */
  readonly drain: Effect.Effect<void>
  /** Expires every KPN token issued so far (the next call with one gets the invalid-token fault). */
  readonly expireTokens: Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Simulator extends Context.Tag("@switchboard/simulator/Simulator")<Simulator, Service>() {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default 0: a free port. */
  readonly port?: number
  /** Default `127.0.0.1`. */
  readonly host?: string
  /** A scenario (decoded or in its JSON form). */
  readonly scenario?: unknown
  /**
   * How many requests, callbacks and messages the simulator keeps for inspection (default 10 000); older
   * ones are dropped, counters keep counting. Keeps memory flat under load tests.
   */
  readonly historyLimit?: number
}

/**
 * Starts the simulator in the current scope (it stops when the scope closes). Webhooks are sent with the
 * `HttpClient` in the context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<Service, StartError | ScenarioError, Scope.Scope | HttpClient.HttpClient> =>
  Effect.flatMap(HttpClient.HttpClient, (client) => makeWith(options, Callbacks.httpClientTransport(client)))

const isDecoded = Schema.is(Scenario.Scenario, { onExcessProperty: "error" })

const makeWith = (
  options: Options,
  transport: Callbacks.Transport
): Effect.Effect<Service, StartError | ScenarioError, Scope.Scope> =>
  Effect.gen(function*() {
    // A decoded scenario (its secrets already `Redacted`) is taken as it is; the JSON form is decoded.
    const scenario = options.scenario === undefined
      ? Scenario.empty
      : isDecoded(options.scenario)
      ? options.scenario
      : yield* Scenario.decode(options.scenario)
    const state = new State(scenario, Scenario.compilePattern, options.historyLimit)
    const dispatcher = yield* Callbacks.make(state, transport)
    const host = options.host ?? "127.0.0.1"
    const runtime = yield* Effect.runtime<never>()
    const clock = yield* Effect.clock
    const nodeServer = NodeHttp.createServer()
    // Stops accepting, drops every open connection (requests held open by `never-answer` must not keep the
    // server from closing) and waits for the server to close.
    const close = Effect.async<void>((resume) => {
      nodeServer.close(() => resume(Effect.void))
      nodeServer.closeAllConnections()
    })
    const address = yield* Effect.acquireRelease(
      Effect.async<Net.AddressInfo | string | null, StartError>((resume) => {
        const onError = (error: Error) =>
          resume(Effect.fail(new StartError({ message: `the simulator could not listen on ${host}:${options.port ?? 0}: ${String(error)}` })))
        nodeServer.once("error", onError)
        nodeServer.listen(options.port ?? 0, host, () => {
          nodeServer.off("error", onError)
          resume(Effect.succeed(nodeServer.address()))
        })
      }),
      () => nodeServer.listening ? close : Effect.void
    )
    const port = address !== null && typeof address === "object" ? address.port : 0
    const urlHost = host.includes(":") ? `[${host}]` : host
    const service: Service = {
      baseUrl: `http://${urlHost}:${port}`,
      port,
      requests: Effect.sync(() => state.requests.map((request) => ({ ...request }))),
      callbacks: Effect.sync(() => [...state.callbacks]),
      messages: Effect.sync(() => [...state.messages]),
      counters: Effect.sync(() => state.counters()),
      scenario: Effect.sync(() => state.scenario),
      loadScenario: (input) =>
        Effect.flatMap(Scenario.decode(input), (decoded) => Effect.sync(() => state.load(decoded))).pipe(
          Effect.withSpan("Simulator.loadScenario")
        ),
      reset: Effect.sync(() => state.reset()).pipe(Effect.withSpan("Simulator.reset")),
      inbound: (message) =>
        Inbound.inject(state, dispatcher, message).pipe(
          Effect.withSpan("Simulator.inbound", { attributes: { api: message.api } })
        ),
      drain: dispatcher.drain.pipe(Effect.withSpan("Simulator.drain")),
      expireTokens: Effect.sync(() => state.expireTokens()).pipe(Effect.withSpan("Simulator.expireTokens"))
    }
    nodeServer.on("request", makeApp(state, dispatcher, service, runtime, clock))
    return service
  })

/**
 * The simulator as a layer, with its own HTTP client for webhooks (an undici agent, used directly: no
 * spans or trace headers on the webhooks, as the real providers send none).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Simulator, StartError | ScenarioError> =>
  Layer.scoped(
    Simulator,
    Effect.flatMap(NodeHttpClient.makeDispatcher, (dispatcher) => makeWith(options, Callbacks.undiciTransport(dispatcher)))
  )

/**
 * The simulator as a layer that sends webhooks with the `HttpClient` of the context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithoutClient = (
  options: Options = {}
): Layer.Layer<Simulator, StartError | ScenarioError, HttpClient.HttpClient> => Layer.scoped(Simulator, make(options))
