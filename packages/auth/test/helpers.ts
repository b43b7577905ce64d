import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Fs from "node:fs"

/** A fixture from `test/fixtures/`, as text. */
export const fixture = (name: string): string => Fs.readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")

/** A request as the fake transport saw it. */
export interface Seen {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** What the fake transport answers. */
export interface Reply {
  readonly status: number
  readonly body?: string
  readonly headers?: Record<string, string>
}

export const json = (status: number, body: unknown): Reply => ({
  status,
  body: typeof body === "string" ? body : JSON.stringify(body),
  headers: { "content-type": "application/json" }
})

/**
 * A fake `HttpClient` transport: every request is recorded and answered by `handler`. A handler that fails
 * with `"Transport"` simulates a network error.
 */
export const makeTransport = (handler: (request: Seen) => Effect.Effect<Reply, "Transport">) => {
  const requests: Array<Seen> = []
  const client = HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const body = request.body._tag === "Uint8Array"
        ? new TextDecoder().decode(request.body.body)
        : request.body._tag === "Raw"
        ? String(request.body.body)
        : ""
      const seen: Seen = { method: request.method, url, headers: request.headers, body }
      requests.push(seen)
      const reply = yield* handler(seen).pipe(
        Effect.mapError((cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause }))
      )
      return HttpClientResponse.fromWeb(
        request,
        new Response(reply.body ?? null, { status: reply.status, headers: reply.headers ?? {} })
      )
    })
  )
  return {
    client,
    layer: Layer.succeed(HttpClient.HttpClient, client),
    requests,
    count: (path: string) => requests.filter((request) => request.url.pathname === path).length
  }
}
