import * as Content from "@switchboard/core/Content"
import * as Message from "@switchboard/core/Message"
import * as Recipient from "@switchboard/core/Recipient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as fs from "node:fs"
import * as Engine from "./src/Engine.js"
import * as Route from "./src/Route.js"
import * as Router from "./src/Router.js"
import * as TestChannels from "./test/fixtures/channels.js"

const N = Number(process.env.N ?? 50)
const file = `/tmp/prof/router-${Date.now()}.db`
const program = Effect.gen(function*() {
  const sms = yield* TestChannels.make({ id: "sms" })
  const context = yield* Layer.build(Router.layer({ channels: [sms.channel] }).pipe(Layer.provideMerge(process.env.MEM ? Engine.layerMemory : Engine.layerSqlite({ filename: file }))))
  const router = Context.get(context, Router.Router)
  const route = Route.make([{ channel: "sms" }])
  const t0 = Date.now()
  const ids = Array.from({ length: N }, (_, i) => `m-${i}`)
  yield* Effect.forEach(ids, (id) => Effect.gen(function*() {
    const recipient = yield* Recipient.fromPhone("+31612345678")
    const message = yield* Message.make({ id: id as Message.MessageId, recipient, content: Content.text("hi") })
    yield* router.submit(message, route)
  }), { concurrency: Number(process.env.C ?? 20), discard: true })
  const t1 = Date.now()
  yield* Effect.forEach(ids, (id) => router.awaitOutcome(id), { concurrency: "unbounded", discard: true })
  const t2 = Date.now()
  console.log(`submit ${N}: ${t1 - t0} ms, complete: ${t2 - t1} ms`)
})
Effect.runPromise(program.pipe(Effect.scoped, Logger.withMinimumLogLevel(LogLevel.Warning))).then(() => { fs.rmSync(file, { force: true }); process.exit(0) })
