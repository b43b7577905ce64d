/**
 * The HTTP side: the API's handlers over the `Gateway`, the dashboard (static files and the server-sent
 * event stream at `/events`), the OpenAPI document (`/openapi.json`) and interactive docs (`/docs`), and a
 * guard in front of everything that answers 413 for bodies over the limit and 400 for JSON that does not
 * parse, so no request can make a handler fail with a defect; and `webhookListener`, which serves provider
 * webhook `POST`s straight from Node's HTTP server, ahead of all that.
 *
 * @example
 * ```ts
 * import { Http } from "@switchboard/sample/Http"
 *
 * // Http.layer({ maxBodyBytes: 65536 }) needs Gateway, LiveUpdates and an HttpServer
 * ```
 *
 * @since 0.1.0
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpApiSwagger from "@effect/platform/HttpApiSwagger"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as HttpMethod from "@effect/platform/HttpMethod"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import type * as HttpRouter from "@effect/platform/HttpRouter"
import type * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as MessageLog from "@switchboard/router/MessageLog"
import * as WebhookHttp from "@switchboard/core/WebhookHttp"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import type * as NodeHttp from "node:http"
import * as path from "node:path"
import * as Api from "./Api.js"
import { appDir } from "./AppConfig.js"
import { Gateway, type Service as GatewayService, statusOf } from "./Gateway.js"
import { LiveUpdates } from "./LiveLog.js"
import * as Metrics from "./Metrics.js"
import { type WebhookName, webhookPaths } from "./Providers.js"

const MessagesLive = HttpApiBuilder.group(Api.Api, "messages", (handlers) =>
  Effect.gen(function*() {
    const gateway = yield* Gateway
    return handlers
      .handle("send", ({ headers, payload }) => gateway.send(payload, { idempotencyKey: headers["idempotency-key"] }))
      .handle("get", ({ path }) => gateway.message(path.id))
      .handle("list", ({ urlParams }) => gateway.list(urlParams))
  }))

const SystemLive = HttpApiBuilder.group(Api.Api, "system", (handlers) =>
  Effect.gen(function*() {
    const gateway = yield* Gateway
    return handlers
      .handle("health", () => gateway.health)
      .handle("metrics", () => Effect.map(Metrics.snapshot, Metrics.prometheus))
  }))

const WebhooksLive = HttpApiBuilder.group(Api.Api, "webhooks", (handlers) =>
  Effect.gen(function*() {
    const gateway = yield* Gateway
    return handlers
      .handle("vonageSmsDlr", ({ request }) => gateway.webhook("vonageSmsDlr", request))
      .handle("vonageSmsDlrGet", ({ request }) => gateway.webhook("vonageSmsDlr", request))
      .handle("vonageSmsInbound", ({ request }) => gateway.webhook("vonageSmsInbound", request))
      .handle("vonageSmsInboundGet", ({ request }) => gateway.webhook("vonageSmsInbound", request))
      .handle("vonageMessagesStatus", ({ request }) => gateway.webhook("vonageMessagesStatus", request))
      .handle("vonageMessagesInbound", ({ request }) => gateway.webhook("vonageMessagesInbound", request))
      .handle("kpnSmsDlr", ({ request }) => gateway.webhook("kpnSmsDlr", request))
      .handle("kpnSmsInbound", ({ request }) => gateway.webhook("kpnSmsInbound", request))
  }))

/**
 * The API with its handlers.
 *
 * @since 0.1.0
 * @category layers
 */
export const ApiLive = HttpApiBuilder.api(Api.Api).pipe(Layer.provide([MessagesLive, SystemLive, WebhooksLive]))

const staticFiles: ReadonlyArray<readonly [string, string, string]> = [
  ["/", "index.html", "text/html; charset=utf-8"],
  ["/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8"],
  ["/dashboard.css", "dashboard.css", "text/css; charset=utf-8"]
]

const encodeSummary = Schema.encodeSync(MessageLog.Summary)

const encoder = new TextEncoder()

const sse = (event: string, data: unknown): Uint8Array =>
  encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)

/**
 * The dashboard's routes: its page, script and style, and `/events`, a server-sent event stream with a
 * `message` event (the message's summary) whenever a message's timeline grows.
 *
 * @since 0.1.0
 * @category layers
 */
export const DashboardLive = HttpApiBuilder.Router.use((router) =>
  Effect.gen(function*() {
    const gateway = yield* Gateway
    const live = yield* LiveUpdates
    for (const [route, file, contentType] of staticFiles) {
      const body = fs.readFileSync(path.join(appDir, "static", file), "utf8")
      yield* router.get(
        route as HttpRouter.PathInput,
        Effect.succeed(HttpServerResponse.text(body, { contentType, headers: { "cache-control": "no-cache" } }))
      )
    }
    const events: Stream.Stream<Uint8Array> = Stream.unwrapScoped(Effect.map(live.subscribe, (changes) =>
      Stream.fromQueue(changes).pipe(
        Stream.mapEffect((id) => Effect.option(gateway.summary(id))),
        Stream.filterMap((found) => Option.flatten(found)),
        Stream.map((summary) => sse("message", encodeSummary(summary))),
        Stream.merge(Stream.tick("15 seconds").pipe(Stream.map(() => encoder.encode(": keep-alive\n\n")))),
        Stream.prepend(Chunk.of(sse("ready", { at: new Date().toISOString() })))
      )))
    yield* router.get(
      "/events",
      Effect.succeed(HttpServerResponse.stream(events, {
        contentType: "text/event-stream",
        headers: { "cache-control": "no-cache", "x-accel-buffering": "no" }
      }))
    )
  }))

const problem = (status: number, tag: string, message: string) =>
  // the rest of an unread body would otherwise sit on the connection: close it after answering
  HttpServerResponse.unsafeJson({ _tag: tag, message }, { status, headers: status === 413 ? { connection: "close" } : {} })

/**
 * Answers 413 for a body over `maxBodyBytes` and 400 for a JSON body that is empty or does not parse, before
 * the API sees it (webhooks read their raw body themselves, with the same limit).
 *
 * @since 0.1.0
 * @category middleware
 */
export const bodyGuard = (maxBodyBytes: number) =>
  HttpMiddleware.make((app) =>
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      if (!HttpMethod.hasBody(request.method)) return yield* app
      const tooLarge = problem(413, "PayloadTooLarge", `the body is larger than ${maxBodyBytes} bytes`)
      const declared = Number(request.headers["content-length"] ?? "0")
      if (Number.isFinite(declared) && declared > maxBodyBytes) return tooLarge
      if (request.url.startsWith("/webhooks/")) return yield* app
      const text = yield* Effect.either(request.text.pipe(HttpIncomingMessage.withMaxBodySize(Option.some(maxBodyBytes))))
      if (text._tag === "Left") {
        return /maxBytes/.test(String(text.left.cause)) ? tooLarge : problem(400, "BadRequest", "the body could not be read")
      }
      const type = (request.headers["content-type"] ?? "").toLowerCase()
      if (type === "" || type.includes("json")) {
        if (text.right.trim().length === 0) return problem(400, "BadRequest", "the body is empty: expected a JSON object")
        try {
          JSON.parse(text.right)
        } catch (error) {
          return problem(400, "BadRequest", `the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`)
        }
      }
      return yield* app
    })
  )

/**
 * Serves the API, docs, OpenAPI document and dashboard on the `HttpServer` in context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: { readonly maxBodyBytes: number }): Layer.Layer<
  never,
  never,
  HttpServer.HttpServer | Gateway | LiveUpdates
> =>
  HttpApiBuilder.serve(bodyGuard(options.maxBodyBytes)).pipe(
    Layer.provide(HttpApiSwagger.layer({ path: "/docs" })),
    Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
    Layer.provide(DashboardLive),
    Layer.provide(ApiLive)
  ) as Layer.Layer<never, never, HttpServer.HttpServer | Gateway | LiveUpdates>

const webhookByPath = new Map<string, WebhookName>(
  Object.entries(webhookPaths).map(([name, path]) => [path, name as WebhookName])
)

const answer = (response: NodeHttp.ServerResponse, status: number, contentType: string, body: string, close = false) => {
  if (response.headersSent || response.destroyed) return
  response.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(body),
    ...(close ? { connection: "close" } : {})
  })
  response.end(body)
}

/**
 * Serves provider webhooks (`POST` to a path of `Providers.webhookPaths`) straight from Node's HTTP server,
 * ahead of the HttpApi: the request is read with the size limit, handed to `Gateway.ingest` (verify, parse,
 * persist, under the `Webhooks.<endpoint>` span and metrics) and answered exactly as the HttpApi endpoints
 * answer — `200 OK` (text), or the error's status with `{ _tag, message }`. Webhooks are the gateway's hot
 * path: a provider sends several per message, in bursts, and the platform's request handling (server span,
 * router, endpoint middleware, response encoding) cost about a millisecond of CPU per request, more than
 * verifying and parsing one. The endpoints stay in the `Api` (OpenAPI, the typed client), and their
 * handlers serve every other method (`GET` for Vonage SMS). Returns whether it took the request.
 *
 * @since 0.1.0
 * @category webhooks
 */
export const webhookListener = (options: {
  readonly gateway: GatewayService
  readonly maxBodyBytes: number
  readonly runtime: Runtime.Runtime<never>
}) => {
  const run = Runtime.runCallback(options.runtime)
  const limit = options.maxBodyBytes
  const tooLarge = new WebhookHttp.PayloadTooLarge({ limit, message: `the body is larger than ${limit} bytes` })
  return (request: NodeHttp.IncomingMessage, response: NodeHttp.ServerResponse): boolean => {
    if (request.method !== "POST" || request.url === undefined) return false
    const query = request.url.indexOf("?")
    const name = webhookByPath.get(query === -1 ? request.url : request.url.slice(0, query))
    if (name === undefined) return false
    const finish = (read: Parameters<GatewayService["ingest"]>[1]) =>
      run(options.gateway.ingest(name, read), {
        onExit: (exit) => {
          if (Exit.isSuccess(exit)) return answer(response, 200, "text/plain", exit.value)
          const failure = Cause.failureOption(exit.cause)
          if (Option.isSome(failure)) {
            const error = failure.value
            return answer(
              response,
              statusOf(error),
              "application/json",
              JSON.stringify({ _tag: error._tag, message: error.message }),
              error._tag === "PayloadTooLarge"
            )
          }
          answer(response, 500, "application/json", JSON.stringify({ _tag: "InternalServerError", message: "the webhook could not be handled" }))
        }
      })
    const declared = Number(request.headers["content-length"] ?? "0")
    if (Number.isFinite(declared) && declared > limit) {
      // the rest of the body is not read: the connection closes after the answer
      request.resume()
      finish(tooLarge)
      return true
    }
    const chunks: Array<Buffer> = []
    let size = 0
    let over = false
    request.on("data", (chunk: Buffer) => {
      if (over) return
      size += chunk.length
      if (size > limit) {
        over = true
        chunks.length = 0
        finish(tooLarge)
      } else {
        chunks.push(chunk)
      }
    })
    request.on("end", () => {
      if (over) return
      const headers: Record<string, string> = {}
      for (const [key, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(", ") : value
      }
      finish({ method: "POST", url: request.url!, headers, body: Buffer.concat(chunks, size).toString("utf8") })
    })
    request.on("error", () => response.destroy())
    return true
  }
}
