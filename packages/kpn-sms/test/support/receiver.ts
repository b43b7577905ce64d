/**
 * A webhook receiver on 127.0.0.1 and a free port, mounting `KpnSmsWebhook.parse` with core's `WebhookHttp`
 * exactly as an application would:
 * - `/signed`: signatures required, with the given secret;
 * - `/unsigned`: `verification: "disabled"`.
 * Events that pass are queued for the test.
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { type Webhook, WebhookHttp } from "@switchboard/core"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as http from "node:http"
import { KpnSmsWebhook } from "../../src/index.js"

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** The next `n` events accepted, in arrival order (waits for them). */
  readonly takeN: (n: number) => Effect.Effect<ReadonlyArray<Webhook.Event>>
  /** Everything accepted and not taken yet. */
  readonly takeAll: Effect.Effect<ReadonlyArray<Webhook.Event>>
}

export const make = (secret: Redacted.Redacted<string>): Effect.Effect<Receiver, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const events = yield* Queue.unbounded<Webhook.Event>()
    const store = (received: ReadonlyArray<Webhook.Event>) => Queue.offerAll(events, received)
    const router = HttpRouter.empty.pipe(
      WebhookHttp.mount("/signed", KpnSmsWebhook.parser({ secret }), store),
      WebhookHttp.mount("/unsigned", KpnSmsWebhook.parser({ verification: "disabled" }), store)
    )
    const server = yield* NodeHttpServer.make(() => http.createServer(), { port: 0, host: "127.0.0.1" })
    yield* server.serve(router)
    const address = server.address
    const port = address._tag === "TcpAddress" ? address.port : 0
    return {
      url: `http://127.0.0.1:${port}`,
      takeN: (n) => Effect.map(Queue.takeBetween(events, n, n), (chunk) => [...chunk]),
      takeAll: Effect.map(Queue.takeAll(events), (chunk) => [...chunk])
    }
  })
