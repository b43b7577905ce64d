import * as HttpClient from "@effect/platform/HttpClient"
import { MockHttpClient } from "@switchboard/testing"
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
 * A fake `HttpClient` transport on `@switchboard/testing`'s `MockHttpClient`, with a synchronous view of what it
 * received (for polling with `Effect.sync`): every request is recorded and answered by `handler`. A handler that
 * fails with `"Transport"` simulates a network error.
 */
export const makeTransport = (handler: (request: Seen) => Effect.Effect<Reply, "Transport">) => {
  const seen = (request: MockHttpClient.RecordedRequest): Seen => ({
    method: request.method,
    url: new URL(request.url),
    headers: request.headers,
    body: request.body
  })
  const mock = Effect.runSync(MockHttpClient.make((request) =>
    handler(seen(request)).pipe(
      Effect.match({
        onFailure: () => MockHttpClient.transportError("Transport"),
        onSuccess: (reply) => MockHttpClient.reply(reply.body ?? "", { status: reply.status, headers: reply.headers })
      })
    )
  ))
  const requests = () => Effect.runSync(mock.requests).map(seen)
  return {
    client: mock.client,
    layer: Layer.succeed(HttpClient.HttpClient, mock.client),
    get requests(): ReadonlyArray<Seen> {
      return requests()
    },
    count: (path: string) => requests().filter((request) => request.url.pathname === path).length
  }
}
