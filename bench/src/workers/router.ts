// A router worker: the durable router on SQLite (libsql, a file in a temp folder), Switchboard's Vonage SMS
// channel sending to the simulator, and a node:http endpoint that takes the simulator's delivery receipts,
// parses them with VonageSmsWebhook and feeds them to Router.onEvent — the gateway's receipt path, minus
// its HTTP framework.
//   setup  { baseUrl, engine? }              → { dlrUrl, database } (engine "sqlite", the default, or "memory")
//   route  { count, concurrency, prefix, wait: "outcome" | "sent" }
//          submits `count` messages (`concurrency` submissions in flight) and returns when every one has an
//          outcome ("outcome") or a receipt from the provider ("sent", for messages left waiting for receipts)
//   memory {}                                → resident memory, heap and open files after a full garbage collection
// The message log is wrapped to count receipts and outcomes as the router appends them, so completion is
// observed without polling the database.
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Content from "@switchboard/core/Content"
import * as Message from "@switchboard/core/Message"
import * as Recipient from "@switchboard/core/Recipient"
import * as Engine from "@switchboard/router/Engine"
import * as MessageLog from "@switchboard/router/MessageLog"
import * as Route from "@switchboard/router/Route"
import * as Router from "@switchboard/router/Router"
import * as ConcatStore from "@switchboard/vonage-sms/ConcatStore"
import * as VonageSmsChannel from "@switchboard/vonage-sms/VonageSmsChannel"
import * as VonageSmsClient from "@switchboard/vonage-sms/VonageSmsClient"
import * as VonageSmsWebhook from "@switchboard/vonage-sms/VonageSmsWebhook"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import * as fs from "node:fs"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import * as Contenders from "../Contenders.js"
import * as Processes from "../Processes.js"

interface Progress {
  receipts: number
  outcomes: number
  failures: number
  /** Why failed messages failed: the failed step's reason, counted. */
  reasons: Map<string, number>
  waiter: { readonly done: () => boolean; readonly resolve: () => void } | undefined
}

const progress: Progress = { receipts: 0, outcomes: 0, failures: 0, reasons: new Map(), waiter: undefined }

const check = () => {
  if (progress.waiter?.done() === true) {
    const { resolve } = progress.waiter
    progress.waiter = undefined
    resolve()
  }
}

const countingLog = Layer.effect(
  MessageLog.MessageLog,
  Effect.map(MessageLog.MessageLog, (log): MessageLog.Service => ({
    ...log,
    append: (messageId, key, event) =>
      Effect.tap(log.append(messageId, key, event), (appended) =>
        Effect.sync(() => {
          if (!appended) return
          if (event._tag === "Receipt") progress.receipts++
          else if (event._tag === "Outcome") {
            progress.outcomes++
            if (event.outcome.status !== "delivered") {
              progress.failures++
              const step = event.outcome.steps.find((s) => s.result !== "succeeded")
              const reason = `${event.outcome.status}: ${step?.reason ?? "no step report"}`.slice(0, 200)
              progress.reasons.set(reason, (progress.reasons.get(reason) ?? 0) + 1)
            }
          } else return
          check()
        }))
  }))
)

const route = Route.make([{ channel: VonageSmsChannel.defaultChannel, successOn: "delivered", within: "30 minutes" }])

let runtime: ManagedRuntime.ManagedRuntime<Router.Router | ConcatStore.ConcatStore, unknown> | undefined
let server: http.Server | undefined
let directory: string | undefined

const setup = async (args: { baseUrl: string; engine?: "sqlite" | "memory" }) => {
  directory = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-bench-router-"))
  const database = path.join(directory, "router.db")
  const channel = VonageSmsChannel.layer({ sender: Contenders.sms.from }).pipe(
    Layer.provide(VonageSmsClient.layer({
      mode: "direct",
      baseUrl: args.baseUrl,
      rateLimit: { limit: 1_000_000_000, interval: "1 second" },
      authentication: {
        type: "basic",
        apiKey: Contenders.credentials.apiKey,
        apiSecret: Redacted.make(Contenders.credentials.apiSecret)
      }
    })),
    Layer.provide(NodeHttpClient.layerUndici)
  )
  const engine = args.engine === "memory" ? Engine.layerMemory : Engine.layerSqlite({ filename: database })
  const router = Layer.unwrapEffect(
    Effect.map(VonageSmsChannel.VonageSmsChannel, (sms) => Router.layer({ channels: [sms] }))
  ).pipe(Layer.provide(channel), Layer.provide(countingLog), Layer.provide(engine))
  runtime = ManagedRuntime.make(Layer.merge(router, ConcatStore.layerMemory()))
  const rt = runtime
  await rt.runPromise(Effect.void)

  const parser = VonageSmsWebhook.parser({ verification: "disabled" })
  server = http.createServer((request, response) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => {
      const webhook = {
        method: request.method ?? "POST",
        url: request.url ?? "/",
        headers: request.headers as Record<string, string | undefined>,
        body: Buffer.concat(chunks).toString("utf8")
      }
      rt.runPromise(
        Effect.gen(function*() {
          const router = yield* Router.Router
          const events = yield* parser(webhook)
          for (const event of events) yield* router.onEvent(event)
        })
      ).then(
        () => response.writeHead(204).end(),
        (error: unknown) => {
          if (process.env.BENCH_DEBUG) process.stderr.write(`dlr failed: ${String(error)}\n`)
          response.writeHead(500).end(String(error))
        }
      )
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return { dlrUrl: `http://127.0.0.1:${port}/webhooks/dlr`, database }
}

const routeMessages = async (
  args: { count: number; concurrency: number; prefix: string; wait: "outcome" | "sent" }
) => {
  if (runtime === undefined) throw new Error("not set up")
  const start = { receipts: progress.receipts, outcomes: progress.outcomes, failures: progress.failures }
  progress.reasons.clear()
  const done = new Promise<void>((resolve) => {
    progress.waiter = {
      done: () =>
        args.wait === "outcome"
          ? progress.outcomes - start.outcomes >= args.count
          : progress.receipts - start.receipts >= args.count,
      resolve
    }
  })
  const cpu = process.cpuUsage()
  const started = performance.now()
  let submittedAt = 0
  await runtime.runPromise(
    Effect.gen(function*() {
      const router = yield* Router.Router
      const recipient = yield* Recipient.fromPhone(`+${Contenders.sms.to}`)
      yield* Effect.forEach(
        Array.from({ length: args.count }, (_, i) => i),
        (i) =>
          Effect.flatMap(
            Message.make({
              id: `${args.prefix}-${i}` as Message.MessageId,
              recipient,
              content: Content.text(`${Contenders.sms.text} (${args.prefix}-${i})`)
            }),
            (message) => router.submit(message, route)
          ),
        { concurrency: args.concurrency, discard: true }
      )
    })
  )
  submittedAt = performance.now()
  check()
  await done
  const elapsedMs = performance.now() - started
  const used = process.cpuUsage(cpu)
  return {
    count: args.count,
    elapsedMs,
    submitMs: submittedAt - started,
    throughput: (args.count / elapsedMs) * 1000,
    receipts: progress.receipts - start.receipts,
    outcomes: progress.outcomes - start.outcomes,
    failures: progress.failures - start.failures,
    failureReasons: Object.fromEntries(progress.reasons),
    cpuMs: (used.user + used.system) / 1000,
    rssBytes: process.memoryUsage.rss()
  }
}

const memory = async () => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc !== undefined) {
    gc()
    await new Promise((resolve) => setTimeout(resolve, 50))
    gc()
  }
  const usage = process.memoryUsage()
  let openFiles = Number.NaN
  try {
    openFiles = fs.readdirSync("/proc/self/fd").length
  } catch {
    // not Linux
  }
  return {
    rssBytes: usage.rss,
    heapUsedBytes: usage.heapUsed,
    externalBytes: usage.external + usage.arrayBuffers,
    openFiles,
    gc: gc !== undefined
  }
}

Processes.serve(
  { setup, route: routeMessages, memory },
  async () => {
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())))
    server?.closeAllConnections()
    await runtime?.dispose()
    if (directory !== undefined) fs.rmSync(directory, { recursive: true, force: true })
  }
)
