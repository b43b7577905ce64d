/**
 * A webhook receiver on 127.0.0.1 and a free port, for the simulator's callbacks.
 */
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as http from "node:http"

export interface Received {
  readonly method: string
  /** Path and query string. */
  readonly url: string
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

export interface Listener {
  readonly url: string
  /** The next webhook received (waits for it). */
  readonly take: Effect.Effect<Received>
  /** The next `n` webhooks received, in arrival order. */
  readonly takeN: (n: number) => Effect.Effect<ReadonlyArray<Received>>
  /** Everything received and not taken yet. */
  readonly takeAll: Effect.Effect<ReadonlyArray<Received>>
}

/** Starts a listener that answers every webhook with `status` (default 200). */
export const make = (status = 200): Effect.Effect<Listener, never, Scope.Scope> =>
  Effect.gen(function*() {
    const queue = yield* Queue.unbounded<Received>()
    const server = yield* Effect.acquireRelease(
      Effect.async<http.Server>((resume) => {
        const server = http.createServer((request, response) => {
          const chunks: Array<Buffer> = []
          request.on("data", (chunk: Buffer) => chunks.push(chunk))
          request.on("end", () => {
            const url = new URL(request.url ?? "/", "http://127.0.0.1")
            Queue.unsafeOffer(queue, {
              method: request.method ?? "GET",
              url: request.url ?? "/",
              path: url.pathname,
              query: url.searchParams,
              headers: request.headers,
              body: Buffer.concat(chunks).toString("utf8")
            })
            response.statusCode = status
            response.end()
          })
        })
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    return {
      url: `http://127.0.0.1:${port}`,
      take: Queue.take(queue),
      takeN: (n) => Effect.map(Queue.takeBetween(queue, n, n), (chunk) => Array.from(chunk)),
      takeAll: Effect.map(Queue.takeAll(queue), (chunk) => Array.from(chunk))
    }
  })
