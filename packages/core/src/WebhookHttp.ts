/**
 * Mounts a webhook parser on an `@effect/platform` HTTP server.
 *
 * The handler reads the raw body (refusing bodies over `maxBodyBytes` with 413), builds the framework-agnostic
 * `Webhook.Request`, runs the parser (which verifies signatures), hands the events to your function and answers
 * `200`. A `WebhookError` becomes its HTTP status (401 for a bad signature, 400 for a malformed payload,
 * 405 for a wrong method) with a JSON body that says what is wrong. Providers retry a webhook that does not get a
 * 2xx, so `handle` should only succeed once the events are safely stored.
 *
 * @example
 * ```ts
 * import { Webhook, WebhookHttp } from "@switchboard/core"
 * import { HttpRouter } from "@effect/platform"
 * import { Effect } from "effect"
 *
 * declare const parseDlr: Webhook.Parser
 *
 * const router = HttpRouter.empty.pipe(
 *   WebhookHttp.mount("/webhooks/sms/dlr", parseDlr, (events) => Effect.log(`${events.length} events`))
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Webhook from "./Webhook.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The largest body accepted, in bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number | undefined
}

/**
 * The body was larger than allowed.
 *
 * @since 0.1.0
 * @category errors
 */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>("@switchboard/core/WebhookHttp/PayloadTooLarge")(
  "PayloadTooLarge",
  { limit: Schema.Number, message: Schema.String }
) {}

const defaultMaxBodyBytes = 1024 * 1024

const byteLength = (text: string): number => new TextEncoder().encode(text).byteLength

/**
 * Reads a server request into a `Webhook.Request`: method, full URL with its query string, headers and the raw
 * body text.
 *
 * @since 0.1.0
 * @category conversions
 */
export const fromServerRequest = (
  request: HttpServerRequest.HttpServerRequest,
  options?: Options
): Effect.Effect<Webhook.Request, PayloadTooLarge | Webhook.WebhookError> => {
  const limit = options?.maxBodyBytes ?? defaultMaxBodyBytes
  const tooLarge = new PayloadTooLarge({ limit, message: `the body is larger than ${limit} bytes` })
  const declared = Number(request.headers["content-length"] ?? "0")
  if (Number.isFinite(declared) && declared > limit) return Effect.fail(tooLarge)
  return request.text.pipe(
    HttpIncomingMessage.withMaxBodySize(Option.some(limit)),
    Effect.mapError(() => tooLarge),
    Effect.filterOrFail((body) => byteLength(body) <= limit, () => tooLarge),
    Effect.map((body): Webhook.Request => ({
      method: request.method,
      url: request.originalUrl,
      headers: request.headers,
      body
    }))
  )
}

/**
 * An HTTP handler that verifies and parses a webhook, then hands its events to `handle`.
 *
 * @since 0.1.0
 * @category handlers
 */
export const handler = <R, E, R2>(
  parser: Webhook.Parser<R>,
  handle: (events: ReadonlyArray<Webhook.Event>, request: Webhook.Request) => Effect.Effect<void, E, R2>,
  options?: Options
): Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | R2 | HttpServerRequest.HttpServerRequest> =>
  Effect.gen(function*() {
    const serverRequest = yield* HttpServerRequest.HttpServerRequest
    const parsed = yield* Effect.either(
      Effect.flatMap(fromServerRequest(serverRequest, options), (request) =>
        Effect.map(parser(request), (events) => ({ request, events })))
    )
    if (parsed._tag === "Left") return errorResponse(parsed.left)
    yield* handle(parsed.right.events, parsed.right.request)
    return HttpServerResponse.text("OK")
  })

const errorResponse = (error: PayloadTooLarge | Webhook.WebhookError): HttpServerResponse.HttpServerResponse =>
  error._tag === "PayloadTooLarge"
    ? HttpServerResponse.unsafeJson({ error: "PayloadTooLarge", message: error.message }, { status: 413 })
    : HttpServerResponse.unsafeJson({ error: error.reason, message: error.message }, { status: error.status })

/**
 * Mounts `handler` for GET and POST at `path` (providers deliver webhooks with either method).
 *
 * @since 0.1.0
 * @category handlers
 */
export const mount = <R, E, R2>(
  path: HttpRouter.PathInput,
  parser: Webhook.Parser<R>,
  handle: (events: ReadonlyArray<Webhook.Event>, request: Webhook.Request) => Effect.Effect<void, E, R2>,
  options?: Options
) =>
<E0, R0>(router: HttpRouter.HttpRouter<E0, R0>) =>
  router.pipe(
    HttpRouter.get(path, handler(parser, handle, options)),
    HttpRouter.post(path, handler(parser, handle, options))
  )
