/**
 * The HTTP application: routes the provider endpoints and the admin API, records what it receives.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import type * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as ParseResult from "effect/ParseResult"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import type * as NodeHttp from "node:http"
import type * as Scenario from "../Scenario.js"
import type { RecordedRequest, Service } from "../Simulator.js"
import { InboundMessage } from "../Simulator.js"
import type { Dispatcher } from "./callbacks.js"
import * as Http from "./http.js"
import * as KpnGateway from "./kpnGateway.js"
import * as KpnSms from "./kpnSms.js"
import * as Messages from "./messages.js"
import type { State } from "./state.js"
import * as VonageSms from "./vonageSms.js"

type RouteApi = Scenario.Api | "kpn-oauth"

interface Route {
  readonly api: RouteApi
  readonly handle: (incoming: Http.Incoming) => Http.Handled
}

const secretParams = ["api_secret", "client_secret"]

/** Removes credentials from what the simulator records: the `Authorization` value and secret parameters. */
const redact = (incoming: Http.Incoming): { headers: Record<string, string>; body: string } => {
  const headers: Record<string, string> = { ...incoming.headers }
  if (headers["authorization"] !== undefined) {
    const scheme = headers["authorization"].trim().split(/\s+/)[0] ?? ""
    headers["authorization"] = `${scheme} [redacted]`
  }
  let body = incoming.body
  if (secretParams.some((name) => body.includes(name))) {
    if (incoming.contentType === "application/json") {
      try {
        const parsed = JSON.parse(body) as Record<string, unknown>
        for (const name of secretParams) if (name in parsed) parsed[name] = "[redacted]"
        body = JSON.stringify(parsed)
      } catch {
        // not JSON: recorded as received, minus nothing it could parse
      }
    } else {
      const form = new URLSearchParams(body)
      for (const name of secretParams) if (form.has(name)) form.set(name, "[redacted]")
      body = form.toString()
    }
  }
  return { headers, body }
}

const notFound = (incoming: Http.Incoming): Http.Reply =>
  Http.json(404, { type: "about:blank", title: "Not Found", detail: `${incoming.method} ${incoming.path} is not simulated` })

/** Writes a reply as `@effect/platform`'s server writes a text or empty response (same headers, same order). */
const writeReply = (
  method: string,
  response: NodeHttp.ServerResponse,
  reply: Extract<Http.Reply, { _tag: "Respond" }>
): void => {
  if (response.writableEnded) return
  const headers: Record<string, string> = {}
  for (const name in reply.headers) headers[name.toLowerCase()] = reply.headers[name]!
  if (reply.body !== "") {
    headers["content-type"] = reply.contentType
    headers["content-length"] = String(Buffer.byteLength(reply.body, "utf8"))
  }
  response.writeHead(reply.status, headers)
  if (method === "HEAD" || reply.body === "") response.end()
  else response.end(reply.body)
}

/** A defect in a handler: an empty 500, as `@effect/platform`'s server answers one. */
const writeDefect = (response: NodeHttp.ServerResponse): void => {
  if (response.headersSent) {
    response.destroy()
    return
  }
  response.writeHead(500)
  response.end()
}

export const makeApp = (
  state: State,
  dispatcher: Dispatcher,
  service: Service,
  runtime: Runtime.Runtime<never>,
  clock: Clock.Clock
): (request: NodeHttp.IncomingMessage, response: NodeHttp.ServerResponse) => void => {
  const runFork = Runtime.runFork(runtime)
  const routes = (method: string, path: string): Route | undefined => {
    const send = (api: Scenario.Api | "kpn-oauth", handle: Route["handle"]): Route => ({ api, handle })
    if (method === "POST") {
      switch (path) {
        case "/oauth/client_credential/accesstoken":
          return send("kpn-oauth", (incoming) => KpnGateway.token(state, incoming))
        case "/sms/json":
          return send("vonage-sms", (incoming) => VonageSms.send(state, dispatcher, "vonage-sms", incoming))
        case "/communication/nexmo/sms/send":
          return send("kpn-vonage-sms", (incoming) => VonageSms.send(state, dispatcher, "kpn-vonage-sms", incoming))
        case "/communication/nexmo/sms/register":
          return send("kpn-vonage-sms", (incoming) => VonageSms.register(state, incoming))
        case "/communication/kpn/sms/send":
        case "/messaging/sms-kpn/v1/send":
          return send("kpn-sms", (incoming) => KpnSms.send(state, dispatcher, incoming))
        case "/v1/messages":
          return send("messages", (incoming) => Messages.sendV1(state, dispatcher, incoming, "direct"))
        case "/communication/nexmo/messages":
          return send("kpn-messages", (incoming) => Messages.sendV1(state, dispatcher, incoming, "kpn"))
        case "/communication/nexmo/v0.1/messages":
          return send("kpn-messages", (incoming) => Messages.sendV01(state, dispatcher, incoming))
      }
    }
    const update = /^\/v1\/messages\/([^/]+)$/.exec(path)
    if (method === "PATCH" && update !== null) {
      return send("messages", (incoming) => Messages.update(state, incoming, decodeURIComponent(update[1]!)))
    }
    return undefined
  }

  const admin = (incoming: Http.Incoming): Effect.Effect<Http.Reply> =>
    Effect.gen(function*() {
      const route = `${incoming.method} ${incoming.path.replace(/\/+$/, "")}`
      switch (route) {
        case "GET /_admin/health":
          return Http.json(200, { status: "ok", baseUrl: service.baseUrl })
        case "GET /_admin/requests":
          return Http.json(200, yield* service.requests)
        case "GET /_admin/callbacks":
          return Http.json(200, yield* service.callbacks)
        case "GET /_admin/messages":
          return Http.json(200, yield* service.messages)
        case "GET /_admin/counters":
          return Http.json(200, yield* service.counters)
        case "GET /_admin/scenario":
          return Http.json(200, yield* service.scenario)
        case "PUT /_admin/scenario":
        case "POST /_admin/scenario": {
          const body = yield* Effect.either(Http.jsonBody(incoming))
          if (Either.isLeft(body)) return Http.json(400, { error: "ScenarioError", message: body.left })
          const loaded = yield* Effect.either(service.loadScenario(body.right))
          return Either.isLeft(loaded)
            ? Http.json(400, { error: "ScenarioError", message: loaded.left.message })
            : Http.empty(204)
        }
        case "POST /_admin/reset":
          yield* service.reset
          return Http.empty(204)
        case "POST /_admin/drain":
          yield* service.drain
          return Http.empty(204)
        case "POST /_admin/tokens/expire":
          yield* service.expireTokens
          return Http.empty(204)
        case "POST /_admin/inbound": {
          const body = yield* Effect.either(Http.jsonBody(incoming))
          if (Either.isLeft(body)) return Http.json(400, { error: "InboundError", message: body.left })
          const input = Schema.decodeUnknownEither(InboundMessage, { onExcessProperty: "error" })(body.right)
          if (Either.isLeft(input)) {
            return Http.json(400, { error: "InboundError", message: ParseResult.TreeFormatter.formatErrorSync(input.left) })
          }
          const sent = yield* Effect.either(service.inbound(input.right))
          return Either.isLeft(sent)
            ? Http.json(400, { error: "InboundError", message: sent.left.message })
            : Http.json(200, sent.right)
        }
        default:
          return notFound(incoming)
      }
    })

  /**
   * Records a provider request and runs its handler: at once when the handler answers synchronously (no
   * fiber), else in a fiber of its own.
   */
  const provider = (
    incoming: Http.Incoming,
    request: NodeHttp.IncomingMessage,
    response: NodeHttp.ServerResponse
  ): void => {
    const route = routes(incoming.method, incoming.path)
    const now = clock.unsafeCurrentTimeMillis()
    const redacted = redact(incoming)
    const query: Record<string, string> = {}
    incoming.query.forEach((value, key) => {
      query[key] = key === "api_secret" || key === "client_secret" ? "[redacted]" : value
    })
    const recorded: { -readonly [K in keyof RecordedRequest]: RecordedRequest[K] } = {
      id: state.nextId(),
      at: new Date(now).toISOString(),
      api: route?.api ?? "unknown",
      method: incoming.method,
      path: incoming.path,
      query,
      headers: redacted.headers,
      body: redacted.body
    }
    state.record(recorded)
    const answer = (reply: Http.Reply): void => {
      switch (reply._tag) {
        case "Respond":
          recorded.status = reply.status
          recorded.response = reply.body
          writeReply(incoming.method, response, reply)
          return
        case "Drop":
          recorded.outcome = "dropped"
          request.socket.destroy()
          return
        case "Hang":
          recorded.outcome = "unanswered"
          return
      }
    }
    if (route === undefined) return answer(notFound(incoming))
    let result: Http.Handled
    try {
      result = route.handle(incoming)
    } catch {
      return writeDefect(response)
    }
    if (Effect.isEffect(result)) run(Effect.map(result, answer), response)
    else answer(result)
  }

  const adminRequest = (incoming: Http.Incoming, response: NodeHttp.ServerResponse): Effect.Effect<void> =>
    Effect.map(admin(incoming), (reply) => writeReply(incoming.method, response, reply as Extract<Http.Reply, { _tag: "Respond" }>))

  const run = (effect: Effect.Effect<void>, response: NodeHttp.ServerResponse): void => {
    const fiber = runFork(effect, { immediate: true })
    const exit = fiber.unsafePoll()
    if (exit !== null) {
      if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)) writeDefect(response)
      return
    }
    // A client that goes away before its answer (a timeout during a rule's `delayMs`) does not stop the
    // request: it is accepted all the same, as a real API accepts a request whose client gave up.
    fiber.addObserver((exit) => {
      if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)) writeDefect(response)
    })
  }

  const dispatch = (request: NodeHttp.IncomingMessage, response: NodeHttp.ServerResponse, body: string): void => {
    const method = request.method ?? "GET"
    const url = new URL(request.url ?? "/", "http://127.0.0.1")
    const headers = request.headers as Record<string, string>
    const incoming: Http.Incoming = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: { ...headers },
      body,
      contentType: (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase()
    }
    if (incoming.path === "/_admin" || incoming.path.startsWith("/_admin/")) run(adminRequest(incoming, response), response)
    else provider(incoming, request, response)
  }

  /** The `node:http` request listener. */
  return (request: NodeHttp.IncomingMessage, response: NodeHttp.ServerResponse): void => {
    if (request.method === "GET" || request.method === "HEAD") {
      dispatch(request, response, "")
      return
    }
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () =>
      dispatch(request, response, chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8")))
    request.on("error", () => dispatch(request, response, ""))
  }
}
