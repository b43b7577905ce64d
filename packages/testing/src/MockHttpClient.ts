/**
 * A fake `HttpClient` at the transport seam, for testing adapters without a network.
 *
 * It records every request an adapter sends (method, full URL, headers, body decoded to text) and answers
 * with what the test decides: a handler function, a queue of canned outcomes that is consumed first, or a
 * table of routes by method and path. An outcome is a response (`json`, `text`, `form`, `empty`, `reply`),
 * a transport failure (`transportError`, which the client raises as an `HttpClientError.RequestError`, as a
 * refused connection would) or a provider that never answers (`hang`).
 *
 * The layer provides both `HttpClient.HttpClient` (for the code under test) and the `MockHttpClient` service
 * (for the test), whose `requests` returns what was sent so far.
 *
 * @example
 * ```ts
 * import { HttpClient, HttpClientRequest } from "@effect/platform"
 * import { MockHttpClient } from "@switchboard/testing"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const client = yield* HttpClient.HttpClient
 *   const request = yield* HttpClientRequest.post("https://api.example.com/v1/messages").pipe(
 *     HttpClientRequest.bodyJson({ to: "+31612345678", text: "Hi" })
 *   )
 *   const response = yield* client.execute(request)
 *   const answer = yield* response.json // { id: "msg-1" }
 *
 *   const [sent] = yield* MockHttpClient.requests
 *   MockHttpClient.bodyJson(sent!) // { to: "+31612345678", text: "Hi" }
 *   return answer
 * }).pipe(
 *   Effect.provide(MockHttpClient.layer(MockHttpClient.routes({
 *     "POST /v1/messages": MockHttpClient.json({ id: "msg-1" }, { status: 201 }),
 *     "GET /v1/health": MockHttpClient.transportError("connection refused")
 *   })))
 * )
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type { HttpMethod } from "@effect/platform/HttpMethod"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"

/**
 * A request as the fake transport received it.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  readonly method: HttpMethod
  /** The full URL as it would go on the wire, query string included. */
  readonly url: string
  /** The URL's path, without query string (`/v1/messages`). */
  readonly path: string
  /** The query string's parameters; a repeated name keeps its first value. */
  readonly query: Readonly<Record<string, string>>
  /** Header names are lower-cased. `content-type` is the one the transport would send. */
  readonly headers: Readonly<Record<string, string>>
  /** The body decoded as UTF-8 text (`""` for none; a multipart body for `FormData`). */
  readonly body: string
  /** The request object itself, for anything else. */
  readonly request: HttpClientRequest.HttpClientRequest
}

/**
 * A canned HTTP response.
 *
 * @since 0.1.0
 * @category models
 */
export interface Reply {
  readonly _tag: "Reply"
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | Uint8Array
}

/**
 * The connection fails before a response arrives: the client fails with an
 * `HttpClientError.RequestError` whose reason is `"Transport"`.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransportFailure {
  readonly _tag: "TransportFailure"
  readonly description: string
}

/**
 * The provider never answers: the request stays pending until it is interrupted (by a timeout, for example).
 *
 * @since 0.1.0
 * @category models
 */
export interface Hang {
  readonly _tag: "Hang"
}

/**
 * What the fake transport does with one request.
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome = Reply | TransportFailure | Hang

/**
 * Decides the outcome of a request. It may return the outcome directly or as an Effect (to read state, or
 * to fail with an `HttpClientError` of its own making).
 *
 * @since 0.1.0
 * @category models
 */
export type Handler = (
  request: RecordedRequest
) => Outcome | Effect.Effect<Outcome, HttpClientError.HttpClientError>

/**
 * Options for the response constructors.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReplyOptions {
  readonly status?: number | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
}

const lowerCaseKeys = (headers: Readonly<Record<string, string>> | undefined): Record<string, string> => {
  const out: Record<string, string> = {}
  if (headers === undefined) return out
  for (const key of Object.keys(headers)) out[key.toLowerCase()] = headers[key]!
  return out
}

/**
 * A response with any body. `status` defaults to 200.
 *
 * @since 0.1.0
 * @category constructors
 */
export const reply = (body: string | Uint8Array, options?: ReplyOptions): Reply => ({
  _tag: "Reply",
  status: options?.status ?? 200,
  headers: lowerCaseKeys(options?.headers),
  body
})

/**
 * A JSON response (`content-type: application/json` unless the headers say otherwise).
 *
 * @since 0.1.0
 * @category constructors
 */
export const json = (body: unknown, options?: ReplyOptions): Reply =>
  reply(JSON.stringify(body), {
    status: options?.status,
    headers: { "content-type": "application/json", ...lowerCaseKeys(options?.headers) }
  })

/**
 * A plain text response (`content-type: text/plain; charset=utf-8` unless the headers say otherwise).
 *
 * @since 0.1.0
 * @category constructors
 */
export const text = (body: string, options?: ReplyOptions): Reply =>
  reply(body, {
    status: options?.status,
    headers: { "content-type": "text/plain; charset=utf-8", ...lowerCaseKeys(options?.headers) }
  })

/**
 * A `application/x-www-form-urlencoded` response.
 *
 * @since 0.1.0
 * @category constructors
 */
export const form = (
  body: Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>,
  options?: ReplyOptions
): Reply =>
  reply(new URLSearchParams(Array.isArray(body) ? [...body] : Object.entries(body)).toString(), {
    status: options?.status,
    headers: { "content-type": "application/x-www-form-urlencoded", ...lowerCaseKeys(options?.headers) }
  })

/**
 * A response without a body.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty = (status: number, options?: { readonly headers?: Readonly<Record<string, string>> }): Reply =>
  reply("", { status, headers: options?.headers })

/**
 * A transport failure (a refused or dropped connection).
 *
 * @since 0.1.0
 * @category constructors
 */
export const transportError = (description = "connection refused"): TransportFailure => ({
  _tag: "TransportFailure",
  description
})

/**
 * A provider that never answers.
 *
 * @since 0.1.0
 * @category constructors
 */
export const hang: Hang = { _tag: "Hang" }

/**
 * A handler that fails the test with a clear defect: used when nothing else answers a request.
 *
 * @since 0.1.0
 * @category handlers
 */
export const unhandled: Handler = (request) =>
  Effect.dieMessage(`MockHttpClient has no answer for ${request.method} ${request.url}`)

/**
 * A handler that answers every request with the same outcome.
 *
 * @since 0.1.0
 * @category handlers
 */
export const always = (outcome: Outcome): Handler => () => outcome

/**
 * A handler that answers by method and URL. Keys are `"<METHOD> <path>"` (matched against the request's
 * path) or `"<METHOD> <absolute url>"` (matched against origin and path); the query string is ignored, and
 * `*` as the method matches any method. Values are outcomes or handlers. A request no route matches goes to
 * `fallback` (by default a defect naming the request).
 *
 * @since 0.1.0
 * @category handlers
 */
export const routes = (
  table: Readonly<Record<string, Outcome | Handler>>,
  fallback: Handler = unhandled
): Handler => {
  const entries = Object.keys(table).map((key) => {
    const space = key.indexOf(" ")
    if (space === -1) throw new Error(`MockHttpClient.routes: "${key}" is not "<METHOD> <path or url>"`)
    const method = key.slice(0, space).toUpperCase()
    const target = key.slice(space + 1).trim()
    return { method, target, absolute: /^https?:\/\//i.test(target), answer: table[key]! }
  })
  return (request) => {
    const withoutQuery = request.url.split("?")[0]!.split("#")[0]!
    const route = entries.find((entry) =>
      (entry.method === "*" || entry.method === request.method) &&
      (entry.absolute ? entry.target === withoutQuery : entry.target === request.path)
    )
    if (route === undefined) return fallback(request)
    return typeof route.answer === "function" ? route.answer(request) : route.answer
  }
}

/**
 * The test's side of the fake transport.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The fake client; provide it as `HttpClient.HttpClient` to the code under test. */
  readonly client: HttpClient.HttpClient
  /** Every request received since the start or the last `clear`, oldest first. */
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  /** Forgets the recorded requests (queued outcomes and the handler stay). */
  readonly clear: Effect.Effect<void>
  /** Queues outcomes for the next requests, one each, before the handler is asked. */
  readonly enqueue: (...outcomes: ReadonlyArray<Outcome>) => Effect.Effect<void>
  /** Replaces the handler used once the queue is empty. */
  readonly setHandler: (handler: Handler) => Effect.Effect<void>
}

/**
 * The tag of the test's side of the fake transport.
 *
 * @since 0.1.0
 * @category tags
 */
export class MockHttpClient extends Context.Tag("@switchboard/testing/MockHttpClient")<MockHttpClient, Service>() {}

const decoder = new TextDecoder()

const rawToText = (body: unknown): Effect.Effect<{ text: string; contentType?: string }, unknown> => {
  if (body === undefined || body === null) return Effect.succeed({ text: "" })
  if (typeof body === "string") return Effect.succeed({ text: body })
  if (body instanceof Uint8Array) return Effect.succeed({ text: decoder.decode(body) })
  if (body instanceof ArrayBuffer) return Effect.succeed({ text: decoder.decode(new Uint8Array(body)) })
  if (ArrayBuffer.isView(body)) {
    return Effect.succeed({ text: decoder.decode(new Uint8Array(body.buffer, body.byteOffset, body.byteLength)) })
  }
  if (body instanceof URLSearchParams) {
    return Effect.succeed({ text: body.toString(), contentType: "application/x-www-form-urlencoded;charset=UTF-8" })
  }
  // Blob, FormData, ReadableStream and anything else fetch accepts as a body: let the platform encode it.
  return Effect.tryPromise(async () => {
    const encoded = new Response(body as ConstructorParameters<typeof Response>[0])
    const contentType = encoded.headers.get("content-type")
    const text = await encoded.text()
    return contentType === null ? { text } : { text, contentType }
  })
}

const bodyToText = (body: HttpBody.HttpBody): Effect.Effect<{ text: string; contentType?: string }, unknown> => {
  switch (body._tag) {
    case "Empty":
      return Effect.succeed({ text: "" })
    case "Uint8Array":
      return Effect.succeed({ text: decoder.decode(body.body) })
    case "Raw":
      return rawToText(body.body)
    case "FormData":
      return rawToText(body.formData)
    case "Stream":
      return Effect.map(Stream.runCollect(body.stream), (chunks) => {
        const parts = Chunk.toReadonlyArray(chunks)
        const all = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
        let offset = 0
        for (const part of parts) {
          all.set(part, offset)
          offset += part.length
        }
        return { text: decoder.decode(all) }
      })
  }
}

const record = (
  request: HttpClientRequest.HttpClientRequest,
  url: URL
): Effect.Effect<RecordedRequest, HttpClientError.RequestError> =>
  Effect.map(
    Effect.mapError(bodyToText(request.body), (cause) =>
      new HttpClientError.RequestError({
        request,
        reason: "Encode",
        cause,
        description: "MockHttpClient could not read the request body"
      })),
    ({ contentType, text }) => {
      const headers: Record<string, string> = {}
      for (const key of Object.keys(request.headers)) headers[key.toLowerCase()] = request.headers[key]!
      // the transport sends the body's own content type (a multipart boundary, for example)
      if (contentType !== undefined) headers["content-type"] = contentType
      else if (headers["content-type"] === undefined && request.body.contentType !== undefined) {
        headers["content-type"] = request.body.contentType
      }
      const query: Record<string, string> = {}
      for (const [key, value] of url.searchParams) {
        if (!(key in query)) query[key] = value
      }
      return { method: request.method, url: url.toString(), path: url.pathname, query, headers, body: text, request }
    }
  )

const nullBodyStatus = new Set([101, 103, 204, 205, 304])

const toResponse = (
  request: HttpClientRequest.HttpClientRequest,
  outcome: Outcome
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  switch (outcome._tag) {
    case "Hang":
      return Effect.never
    case "TransportFailure":
      return Effect.fail(
        new HttpClientError.RequestError({
          request,
          reason: "Transport",
          cause: new Error(outcome.description),
          description: outcome.description
        })
      )
    case "Reply": {
      if (!Number.isInteger(outcome.status) || outcome.status < 200 || outcome.status > 599) {
        return Effect.dieMessage(`MockHttpClient cannot answer with HTTP status ${outcome.status} (use 200-599)`)
      }
      const body = nullBodyStatus.has(outcome.status)
        ? null
        : typeof outcome.body === "string"
        ? outcome.body
        : new Uint8Array(outcome.body)
      return Effect.sync(() =>
        HttpClientResponse.fromWeb(
          request,
          new Response(body, { status: outcome.status, headers: { ...outcome.headers } })
        )
      )
    }
  }
}

/**
 * Builds a fake transport answering with `handler` (by default: a defect for every request) once the queue
 * of outcomes is empty.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (handler: Handler = unhandled): Effect.Effect<Service> =>
  Effect.gen(function*() {
    const recorded = yield* Ref.make<ReadonlyArray<RecordedRequest>>([])
    const queue = yield* Ref.make<ReadonlyArray<Outcome>>([])
    const current = yield* Ref.make(handler)

    const next = (request: RecordedRequest): Effect.Effect<Outcome, HttpClientError.HttpClientError> =>
      Effect.flatMap(
        Ref.modify(queue, (outcomes): [Option.Option<Outcome>, ReadonlyArray<Outcome>] =>
          outcomes.length === 0 ? [Option.none(), outcomes] : [Option.some(outcomes[0]!), outcomes.slice(1)]),
        Option.match({
          onSome: Effect.succeed,
          onNone: () =>
            Effect.flatMap(Ref.get(current), (answer) =>
              Effect.suspend(() => {
                const result = answer(request)
                return Effect.isEffect(result) ? result : Effect.succeed(result)
              }))
        })
      )

    const client = HttpClient.make((request, url) =>
      Effect.gen(function*() {
        const entry = yield* record(request, url)
        yield* Ref.update(recorded, (all) => [...all, entry])
        const outcome = yield* next(entry)
        return yield* toResponse(request, outcome)
      })
    )

    return {
      client,
      requests: Ref.get(recorded),
      clear: Ref.set(recorded, []),
      enqueue: (...outcomes) => Ref.update(queue, (queued) => [...queued, ...outcomes]),
      setHandler: (answer) => Ref.set(current, answer)
    }
  })

/**
 * Provides the fake as `HttpClient.HttpClient`, and the `MockHttpClient` service to inspect and steer it.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (handler: Handler = unhandled): Layer.Layer<HttpClient.HttpClient | MockHttpClient> =>
  Layer.effectContext(
    Effect.map(make(handler), (service) =>
      Context.make(MockHttpClient, service).pipe(Context.add(HttpClient.HttpClient, service.client)))
  )

/**
 * Every request received so far, oldest first.
 *
 * @since 0.1.0
 * @category accessors
 */
export const requests: Effect.Effect<ReadonlyArray<RecordedRequest>, never, MockHttpClient> = Effect.flatMap(
  MockHttpClient,
  (mock) => mock.requests
)

/**
 * Forgets the recorded requests.
 *
 * @since 0.1.0
 * @category accessors
 */
export const clear: Effect.Effect<void, never, MockHttpClient> = Effect.flatMap(MockHttpClient, (mock) => mock.clear)

/**
 * Queues outcomes for the next requests.
 *
 * @since 0.1.0
 * @category accessors
 */
export const enqueue = (...outcomes: ReadonlyArray<Outcome>): Effect.Effect<void, never, MockHttpClient> =>
  Effect.flatMap(MockHttpClient, (mock) => mock.enqueue(...outcomes))

/**
 * Replaces the handler.
 *
 * @since 0.1.0
 * @category accessors
 */
export const setHandler = (handler: Handler): Effect.Effect<void, never, MockHttpClient> =>
  Effect.flatMap(MockHttpClient, (mock) => mock.setHandler(handler))

/**
 * A recorded request's header, by name (case-insensitive).
 *
 * @since 0.1.0
 * @category getters
 */
export const header = (request: RecordedRequest, name: string): string | undefined =>
  request.headers[name.toLowerCase()]

/**
 * A recorded request's body parsed as JSON (throws if it is not JSON: a test failure).
 *
 * @since 0.1.0
 * @category getters
 */
export const bodyJson = (request: RecordedRequest): unknown => JSON.parse(request.body)

/**
 * A recorded request's `application/x-www-form-urlencoded` body as a record; a repeated name keeps its
 * first value.
 *
 * @since 0.1.0
 * @category getters
 */
export const bodyForm = (request: RecordedRequest): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [key, value] of new URLSearchParams(request.body)) {
    if (!(key in out)) out[key] = value
  }
  return out
}
