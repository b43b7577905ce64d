/**
 * The one input every adapter's webhook parser takes, and what it produces.
 *
 * A webhook parser is framework-agnostic: `(method, url, headers, raw body) → verified events`. It verifies
 * the request (signatures are on by default and compared in constant time), then decodes it into
 * `StatusUpdate`s and `InboundMessage`s. Failures are `WebhookError`s whose `reason` maps onto an HTTP
 * status: `Unauthorized` → 401, `Malformed` → 400, `MethodNotAllowed` → 405.
 *
 * `WebhookHttp` mounts a parser on an `@effect/platform` router.
 *
 * @example
 * ```ts
 * import { Webhook } from "@switchboard/core"
 *
 * const request: Webhook.Request = {
 *   method: "GET",
 *   url: "https://example.com/webhooks/dlr?messageId=0A0000001&status=delivered",
 *   headers: {},
 *   body: ""
 * }
 * Webhook.params(request) // { messageId: "0A0000001", status: "delivered" }
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { InboundMessage } from "./InboundMessage.js"
import { StatusUpdate } from "./Status.js"

/**
 * A webhook request as it arrived: `url` includes the query string; `body` is the raw text, unparsed, so
 * signatures over it can be checked.
 *
 * @since 0.1.0
 * @category models
 */
export interface Request {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
}

/**
 * @since 0.1.0
 * @category models
 */
export const Event = Schema.Union(StatusUpdate, InboundMessage)

/**
 * What a webhook carries: status updates about messages we sent, and messages sent to us.
 *
 * @since 0.1.0
 * @category models
 */
export type Event = StatusUpdate | InboundMessage

/**
 * @since 0.1.0
 * @category errors
 */
export class WebhookError extends Schema.TaggedError<WebhookError>("@switchboard/core/Webhook/WebhookError")(
  "WebhookError",
  {
    reason: Schema.Literal("Unauthorized", "Malformed", "MethodNotAllowed"),
    message: Schema.String
  }
) {
  /**
   * The HTTP status a server should answer with.
   *
   * @since 0.1.0
   */
  get status(): 400 | 401 | 405 {
    return this.reason === "Unauthorized" ? 401 : this.reason === "MethodNotAllowed" ? 405 : 400
  }
}

/**
 * A webhook parser: verifies a request and decodes it into events.
 *
 * @since 0.1.0
 * @category models
 */
export type Parser<R = never> = (request: Request) => Effect.Effect<ReadonlyArray<Event>, WebhookError, R>

/**
 * @since 0.1.0
 * @category constructors
 */
export const unauthorized = (message: string): WebhookError => new WebhookError({ reason: "Unauthorized", message })

/**
 * @since 0.1.0
 * @category constructors
 */
export const malformed = (message: string): WebhookError => new WebhookError({ reason: "Malformed", message })

/**
 * A header by name, case-insensitively.
 *
 * @since 0.1.0
 * @category getters
 */
export const header = (request: Request, name: string): string | undefined => {
  // own keys only: a header called `constructor` must not find Object.prototype's
  if (Object.hasOwn(request.headers, name)) {
    const direct = request.headers[name]
    if (direct !== undefined) return direct
  }
  const lower = name.toLowerCase()
  for (const key of Object.keys(request.headers)) {
    if (key.toLowerCase() === lower) {
      const value = request.headers[key]
      if (value !== undefined) return value
    }
  }
  return undefined
}

/**
 * The media type of the body, lower-cased, without parameters.
 *
 * @since 0.1.0
 * @category getters
 */
export const contentType = (request: Request): string =>
  (header(request, "content-type") ?? "").split(";")[0]!.trim().toLowerCase()

/**
 * The query string's parameters. A repeated name keeps its first value.
 *
 * @since 0.1.0
 * @category getters
 */
export const query = (request: Request): Record<string, string> => {
  const index = request.url.indexOf("?")
  return index === -1 ? {} : fromSearchParams(new URLSearchParams(request.url.slice(index + 1)))
}

const fromSearchParams = (params: URLSearchParams): Record<string, string> => {
  // a Map, then own data properties: names such as `constructor` or `__proto__` are kept as parameters
  const first = new Map<string, string>()
  for (const [key, value] of params) {
    if (!first.has(key)) first.set(key, value)
  }
  return Object.fromEntries(first)
}

/**
 * Parses the body as JSON.
 *
 * @since 0.1.0
 * @category getters
 */
export const json = (request: Request): Effect.Effect<unknown, WebhookError> =>
  Effect.try({
    try: () => JSON.parse(request.body) as unknown,
    catch: () => malformed("the body is not valid JSON")
  })

/**
 * The request's parameters wherever the provider put them: the query string, then a form body or a JSON
 * object body (the body wins on conflicts). Non-string JSON values are kept as they are, so callers must
 * decode them.
 *
 * @since 0.1.0
 * @category getters
 */
export const params = (request: Request): Record<string, unknown> => {
  const fromQuery: Record<string, unknown> = query(request)
  if (request.body.trim().length === 0) return fromQuery
  const type = contentType(request)
  if (type === "application/x-www-form-urlencoded") {
    return { ...fromQuery, ...fromSearchParams(new URLSearchParams(request.body)) }
  }
  if (type === "application/json" || type.endsWith("+json") || type === "") {
    try {
      const parsed: unknown = JSON.parse(request.body)
      if (parsed !== null && typeof parsed === "object" && !globalThis.Array.isArray(parsed)) {
        return { ...fromQuery, ...(parsed as Record<string, unknown>) }
      }
    } catch {
      // not JSON: the caller decodes what it has and reports what is missing
    }
  }
  return fromQuery
}

/**
 * Decodes unknown input with a schema, turning a parse error into a `Malformed` webhook error that says
 * which field is wrong.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = <A, I>(schema: Schema.Schema<A, I>, what: string) => (input: unknown) =>
  Effect.mapError(
    Schema.decodeUnknown(schema, { errors: "first", onExcessProperty: "ignore" })(input),
    (error) => malformed(`${what}: ${error.message.split("\n").slice(0, 4).join(" ")}`)
  )
