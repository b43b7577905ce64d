import * as Content from "@switchboard/core/Content"
import * as Message from "@switchboard/core/Message"
import * as Recipient from "@switchboard/core/Recipient"
import { WorkflowEngine } from "@effect/workflow/WorkflowEngine"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Engine from "./src/Engine.js"
import * as MessageLog from "./src/MessageLog.js"
import { RouteWorkflow } from "./src/internal/routing.js"
import * as Route from "./src/Route.js"
import * as Router from "./src/Router.js"
import * as TestChannels from "./test/fixtures/channels.js"

const file = `/tmp/prof/router-${Date.now()}.db`
const timed = <A, E, R>(label: string, e: Effect.Effect<A, E, R>) => Effect.gen(function*() { const t = performance.now(); const a = yield* e; console.log(label, (performance.now() - t).toFixed(1)); return a })
const program = Effect.gen(function*() {
  const sms = yield* TestChannels.make({ id: "sms" })
  const context = yield* Layer.build(Router.layer({ channels: [sms.channel] }).pipe(Layer.provideMerge(Engine.layerSqlite({ filename: file }))))
  const router = Context.get(context, Router.Router)
  const log = Context.get(context, MessageLog.MessageLog)
  const engine = Context.get(context, WorkflowEngine)
  const route = Route.make([{ channel: "sms" }])
  for (let i = 0; i < 5; i++) {
    const recipient = yield* Recipient.fromPhone("+31612345678")
    const message = yield* Message.make({ id: `m-${i}` as Message.MessageId, recipient, content: Content.text("hi") })
    yield* timed("append", log.append(message.id, "accepted", new MessageLog.Accepted({ route, content: "Text" })))
    yield* timed("execute", RouteWorkflow.execute({ message, route }, { discard: true }).pipe(Effect.provideService(WorkflowEngine, engine)))
    const t0 = Date.now()
    yield* timed("await", router.awaitOutcome(message.id))
    for (const e of yield* log.timeline(message.id)) console.log("   ", e.event._tag, e.at.epochMillis - t0)
  }
})
Effect.runPromise(program.pipe(Effect.scoped, Logger.withMinimumLogLevel(LogLevel.Warning))).then(() => process.exit(0))
