/**
 * A real webhook endpoint for contract tests: an HTTP server on 127.0.0.1 and a free port that collects
 * what a provider (or a simulator) calls back with.
 *
 * Give it your adapter's `Webhook.Parser`s by path and it mounts them with `WebhookHttp.mount`, exactly as
 * an application would: signatures are verified, a refused webhook gets its 4xx, and the accepted events are
 * collected. Give it no parsers and it records every request raw and answers them all with one status (a
 * 500, say, to test a sender's retries). Either way it keeps every request with the status it answered.
 *
 * Both collections (`events` and `requests`) are an `Inbox`: `all` returns everything so far, `take` and
 * `takeN` wait for the next ones not taken yet, `takeAll` returns those without waiting. The server stops
 * when the scope closes.
 *
 * @example
 * ```ts
 * import { assert, it } from "@effect/vitest"
 * import { type Webhook } from "@switchboard/core"
 * import { WebhookReceiver } from "@switchboard/testing"
 * import { Effect } from "effect"
 *
 * declare const parser: Webhook.Parser // your adapter's, e.g. AcmeSmsWebhook.parser({ secret })
 * declare const sendThroughTheSimulator: (statusUrl: string) => Effect.Effect<void>
 *
 * it.scoped("the delivery report comes back as a StatusUpdate", () =>
 *   Effect.gen(function*() {
 *     const receiver = yield* WebhookReceiver.make({ parsers: { "/webhooks/status": parser } })
 *     yield* sendThroughTheSimulator(`${receiver.url}/webhooks/status`)
 *     const [update] = yield* receiver.events.takeN(1) // waits for it
 *     assert.strictEqual(update!._tag, "StatusUpdate")
 *     assert.deepStrictEqual((yield* receiver.requests.all).map((request) => request.status), [200])
 *   }))
 * ```
 *
 * @since 0.1.0
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import type { Webhook } from "@switchboard/core"
import { WebhookHttp } from "@switchboard/core"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import * as http from "node:http"

/**
 * A request the receiver answered.
 *
 * @since 0.1.0
 * @category models
 */
export interface Received extends Webhook.Request {
  /** The URL's path, without the query string (`/webhooks/status`). */
  readonly path: string
  /** The query string's parameters. */
  readonly query: URLSearchParams
  /** The status the receiver answered with: 200, a parser's 4xx, 404 for a path without a parser. */
  readonly status: number
}

/**
 * What the receiver collected, in arrival order.
 *
 * @since 0.1.0
 * @category models
 */
export interface Inbox<A> {
  /** Everything so far, taken or not. */
  readonly all: Effect.Effect<ReadonlyArray<A>>
  /** The next item not taken yet; waits for it. */
  readonly take: Effect.Effect<A>
  /** The next `n` items not taken yet; waits for them. */
  readonly takeN: (n: number) => Effect.Effect<ReadonlyArray<A>>
  /** The items not taken yet, without waiting (none if there are none). */
  readonly takeAll: Effect.Effect<ReadonlyArray<A>>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>`: append the paths you mounted. */
  readonly url: string
  /** The events the parsers accepted. */
  readonly events: Inbox<Webhook.Event>
  /** Every request, with the status it got (refused ones included). */
  readonly requests: Inbox<Received>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options<R = never> {
  /**
   * Parsers by path (`{ "/webhooks/status": parser }`), each mounted for GET and POST with
   * `WebhookHttp.mount`. Other paths are answered 404. Without parsers, every request on any path is
   * recorded and answered with `status`.
   */
  readonly parsers?: Readonly<Record<string, Webhook.Parser<R>>> | undefined
  /**
   * Runs with the events of every accepted webhook before it is answered: to feed a store the code under
   * test reads (a conversation window, a receipt index).
   */
  readonly onEvents?:
    | ((events: ReadonlyArray<Webhook.Event>, request: Webhook.Request) => Effect.Effect<void, never, R>)
    | undefined
  /** Without parsers: the status every request is answered with. Default 200. */
  readonly status?: number | undefined
  /**
   * How long `take` and `takeN` wait before they die with a message saying how many items never came:
   * a safety net so a missing webhook fails its test with a reason rather than at the test's timeout. Runs
   * on the `Clock` in context (use it with `it.live` or `it.scoped` outside the `TestClock`). Default: they
   * wait as long as it takes.
   */
  readonly timeout?: Duration.DurationInput | undefined
}

const inbox = <A>(
  what: string,
  queue: Queue.Queue<A>,
  log: Ref.Ref<ReadonlyArray<A>>,
  timeout: Duration.DurationInput | undefined
): Inbox<A> => {
  const patient = <X>(n: number, effect: Effect.Effect<X>): Effect.Effect<X> =>
    timeout === undefined
      ? effect
      : Effect.timeoutFail(effect, {
        duration: timeout,
        onTimeout: () =>
          new Error(`WebhookReceiver: fewer than ${n} ${what} arrived within ${Duration.format(Duration.decode(timeout))}`)
      }).pipe(Effect.orDie)
  return {
    all: Ref.get(log),
    take: patient(1, Queue.take(queue)),
    takeN: (n) => patient(n, Effect.map(Queue.takeBetween(queue, n, n), Chunk.toReadonlyArray)),
    takeAll: Effect.map(Queue.takeAll(queue), Chunk.toReadonlyArray)
  }
}

/**
 * Starts a receiver on 127.0.0.1 and a free port, for the life of the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <R = never>(
  options: Options<R> = {}
): Effect.Effect<WebhookReceiver, HttpServerError.ServeError, Scope.Scope | R> =>
  Effect.gen(function*() {
    const eventQueue = yield* Queue.unbounded<Webhook.Event>()
    const eventLog = yield* Ref.make<ReadonlyArray<Webhook.Event>>([])
    const requestQueue = yield* Queue.unbounded<Received>()
    const requestLog = yield* Ref.make<ReadonlyArray<Received>>([])

    const onEvents = options.onEvents
    const collect = (events: ReadonlyArray<Webhook.Event>, request: Webhook.Request): Effect.Effect<void, never, R> =>
      Effect.zipRight(
        Effect.zipRight(Ref.update(eventLog, (all) => [...all, ...events]), Queue.offerAll(eventQueue, events)),
        onEvents === undefined ? Effect.void : onEvents(events, request)
      )

    const parsers = Object.entries(options.parsers ?? {})
    const status = options.status ?? 200
    const router = parsers.length === 0
      ? HttpRouter.empty.pipe(HttpRouter.all("*", HttpServerResponse.text(status < 300 ? "OK" : "", { status })))
      : parsers.reduce(
        (router, [path, parser]) => router.pipe(WebhookHttp.mount(path as HttpRouter.PathInput, parser, collect)),
        HttpRouter.empty as HttpRouter.HttpRouter<never, R>
      )

    const app = Effect.gen(function*() {
      const response = yield* router.pipe(
        Effect.catchTag("RouteNotFound", () => Effect.succeed(HttpServerResponse.empty({ status: 404 })))
      )
      const request = yield* HttpServerRequest.HttpServerRequest
      // the body was read (and kept) by the parser, or is read here for a raw receiver
      const body = yield* Effect.orElseSucceed(request.text, () => "")
      const url = new URL(request.originalUrl, "http://127.0.0.1")
      const received: Received = {
        method: request.method,
        url: request.originalUrl,
        headers: request.headers,
        body,
        path: url.pathname,
        query: url.searchParams,
        status: response.status
      }
      yield* Ref.update(requestLog, (all) => [...all, received])
      yield* Queue.offer(requestQueue, received)
      return response
    })

    // imported on first use, so that importing the kit does not load Node's HTTP server stack into every test file
    const NodeHttpServer = yield* Effect.promise(() => import("@effect/platform-node/NodeHttpServer"))
    const server = yield* NodeHttpServer.make(() => http.createServer(), { port: 0, host: "127.0.0.1" })
    yield* server.serve(app)
    const address = server.address
    const port = address._tag === "TcpAddress" ? address.port : 0
    return {
      url: `http://127.0.0.1:${port}`,
      events: inbox("webhook events", eventQueue, eventLog, options.timeout),
      requests: inbox("webhook requests", requestQueue, requestLog, options.timeout)
    }
  })
