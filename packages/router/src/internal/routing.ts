import * as DurableClock from "@effect/workflow/DurableClock"
import * as DurableDeferred from "@effect/workflow/DurableDeferred"
import * as Workflow from "@effect/workflow/Workflow"
import type { WorkflowEngine, WorkflowInstance } from "@effect/workflow/WorkflowEngine"
import type * as Channel from "@switchboard/core/Channel"
import { retryDelay } from "@switchboard/core/Channel"
import * as ChannelError from "@switchboard/core/ChannelError"
import * as Message from "@switchboard/core/Message"
import * as CoreReceipt from "@switchboard/core/Receipt"
import * as Status from "@switchboard/core/Status"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as MessageLog from "../MessageLog.js"
import * as Outcome from "../Outcome.js"
import * as ReceiptIndex from "../ReceiptIndex.js"
import * as Route from "../Route.js"
import { decide, Decision } from "./decide.js"
import * as Durable from "./durable.js"
import { persistently } from "./persistently.js"

/**
 * The routing workflow. Its execution id is derived from the message id, so submitting a message twice
 * starts one execution.
 *
 * @internal
 */
export const RouteWorkflow = Workflow.make({
  name: "SwitchboardRoute",
  payload: { message: Message.Message, route: Route.Route },
  success: Outcome.Outcome,
  idempotencyKey: ({ message }) => message.id
})

const WaitResult = Schema.Union(Decision, Schema.Literal("deadline"))
const StatusUpdates = Schema.Array(Status.StatusUpdate)

/** @internal */
export const receiptDeferred = (step: number) => Durable.deferred(`receipt/${step}`, { success: Decision })

/** @internal */
export interface Dependencies {
  readonly channels: ReadonlyMap<string, Channel.Channel>
  readonly log: MessageLog.Service
  readonly index: ReceiptIndex.Service
  readonly appended: Appended
}

/**
 * The log keys this process has appended recently. A workflow replays from its start every time it resumes;
 * appends are idempotent, but skipping the ones this process knows it made saves a write each. After a
 * restart the set is empty and the log's own idempotency takes over.
 *
 * @internal
 */
export class Appended {
  private readonly keys = new Map<string, true>()
  constructor(private readonly capacity: number) {}
  has(messageId: string, key: string): boolean {
    return this.keys.has(`${messageId}\u0000${key}`)
  }
  add(messageId: string, key: string): void {
    this.keys.set(`${messageId}\u0000${key}`, true)
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next()
      if (oldest.done !== true) this.keys.delete(oldest.value)
    }
  }
}

type StepResult =
  | {
    readonly _tag: "Succeeded"
    readonly state: Status.State
    readonly providerMessageIds: ReadonlyArray<string>
    readonly attempts: number
  }
  | {
    readonly _tag: "Skipped"
    readonly reason: string
    readonly error?: ChannelError.Reason | undefined
    readonly attempts: number
  }
  | {
    readonly _tag: "Failed"
    readonly reason: string
    readonly error?: ChannelError.Reason | undefined
    readonly state?: Status.State | undefined
    readonly attempts: number
  }

const describeStatus = (status: Status.Status): string =>
  `${status.state}${status.providerCode === undefined ? "" : ` (${status.providerCode}${status.providerText === undefined ? "" : `: ${status.providerText}`})`}`

/**
 * The workflow body: walks the route's steps (DESIGN §5).
 *
 * @internal
 */
export const run = (deps: Dependencies) =>
(
  payload: { readonly message: Message.Message; readonly route: Route.Route },
  executionId: string
) =>
  Effect.gen(function*() {
    const { message, route } = payload
    const log = (key: string, event: MessageLog.Event): Effect.Effect<void> =>
      deps.appended.has(message.id, key)
        ? Effect.void
        : persistently(deps.log.append(message.id, key, event)).pipe(
          Effect.tap(() => Effect.sync(() => deps.appended.add(message.id, key)))
        )

    yield* log(
      "accepted",
      new MessageLog.Accepted({
        route,
        content: message.content._tag,
        ...(message.clientReference === undefined ? {} : { clientReference: message.clientReference })
      }, true)
    )

    // Records the reports of a step routing gives up on, and a success among them as a late delivery.
    const abandon = (n: number, step: Route.Step, providerMessageIds: ReadonlyArray<string>) =>
      Durable.activity(`abandon/${n}`, { success: Schema.Void, error: Schema.Never }, Effect.gen(function*() {
          const updates = yield* persistently(deps.index.abandon(message.id, n))
          if (step.successOn === "accepted") return
          const decision = decide(providerMessageIds, updates, step.successOn)
          if (Option.isSome(decision) && decision.value.result === "success") {
            yield* log(
              `late/${n}`,
              new MessageLog.LateDelivery({
                step: n,
                channel: step.channel,
                state: decision.value.status.state,
                reportedAt: decision.value.status.at
              }, true)
            )
          }
      }))

    const runStep = (n: number, step: Route.Step) =>
      Effect.gen(function*() {
        const unmet = Route.unmet(step, message)
        if (Option.isSome(unmet)) {
          yield* log(`skip/${n}`, new MessageLog.StepSkipped({ step: n, channel: step.channel, reason: unmet.value }, true))
          return { _tag: "Skipped", reason: unmet.value, attempts: 0 } satisfies StepResult
        }
        const channel = deps.channels.get(step.channel)
        if (channel === undefined) {
          const reason = `no channel "${step.channel}" is configured on this router`
          yield* log(`skip/${n}`, new MessageLog.StepSkipped({ step: n, channel: step.channel, reason }, true))
          return { _tag: "Skipped", reason, attempts: 0 } satisfies StepResult
        }

        // Can the channel address the recipient and carry the content? Other validation errors surface from
        // the send itself (before any I/O) as a failed attempt.
        const validated = yield* Effect.either(Durable.activity(
          `validate/${n}`,
          { success: Schema.String, error: ChannelError.ChannelError },
          channel.validate(message)
        ))
        if (validated._tag === "Left" && ChannelError.isSkip(validated.left)) {
          const error = validated.left
          yield* log(
            `skip/${n}`,
            new MessageLog.StepSkipped({ step: n, channel: step.channel, reason: error.message, error: error._tag }, true)
          )
          return { _tag: "Skipped", reason: error.message, error: error._tag, attempts: 0 } satisfies StepResult
        }

        let receipt: CoreReceipt.Receipt | undefined
        let attempts = 0
        for (let attempt = 1; attempt <= step.attempts; attempt++) {
          attempts = attempt
          yield* log(`attempt/${n}/${attempt}`, new MessageLog.Attempt({ step: n, channel: step.channel, attempt }, true))
          const sent = yield* Effect.either(Durable.activity(
            `send/${n}/${attempt}`,
            { success: CoreReceipt.Receipt, error: ChannelError.ChannelError },
            channel.send(message)
          ))
          if (sent._tag === "Right") {
            receipt = sent.right
            yield* log(
              `receipt/${n}/${attempt}`,
              new MessageLog.Receipt({ step: n, channel: step.channel, attempt, receipt }, true)
            )
            break
          }
          const error = sent.left
          const retry = error.retryable && attempt < step.attempts
          const delay = retry
            ? retryDelay({
              attempts: step.attempts,
              initialDelay: step.backoff.initial,
              factor: step.backoff.factor,
              maxDelay: step.backoff.max
            }, attempt, error)
            : undefined
          yield* log(
            `attempt-failed/${n}/${attempt}`,
            new MessageLog.AttemptFailed({
              step: n,
              channel: step.channel,
              attempt,
              error,
              ...(delay === undefined ? {} : { retryInMillis: Duration.toMillis(delay) })
            }, true)
          )
          if (ChannelError.isSkip(error)) {
            yield* log(
              `skip/${n}`,
              new MessageLog.StepSkipped({ step: n, channel: step.channel, reason: error.message, error: error._tag }, true)
            )
            return { _tag: "Skipped", reason: error.message, error: error._tag, attempts } satisfies StepResult
          }
          if (delay === undefined) {
            return {
              _tag: "Failed",
              reason: error.retryable
                ? `${error._tag} after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${error.message}`
                : `${error._tag}: ${error.message}`,
              error: error._tag,
              attempts
            } satisfies StepResult
          }
          yield* DurableClock.sleep({ name: `backoff/${n}/${attempt}`, duration: delay, inMemoryThreshold: Duration.zero })
        }
        if (receipt === undefined) {
          return { _tag: "Failed", reason: "no attempt was made", attempts } satisfies StepResult
        }
        const providerMessageIds = receipt.providerMessageIds

        // Index the provider ids (so status reports reach the log, and the wait below), then take any reports
        // that arrived before the index did.
        const early = yield* Durable.activity(
          `track/${n}`,
          { success: StatusUpdates },
          Effect.tap(
            persistently(deps.index.track({
              messageId: message.id,
              step: n,
              executionId,
              channel: step.channel,
              successOn: step.successOn,
              providerMessageIds
            })),
            (updates) =>
              Effect.forEach(updates, (update) =>
                log(`status/${ReceiptIndex.updateKey(update)}`, new MessageLog.Status({ step: n, update }, true)), {
                discard: true
              })
          )
        )
        if (step.successOn === "accepted") {
          return { _tag: "Succeeded", state: "accepted", providerMessageIds, attempts } satisfies StepResult
        }
        const successOn = step.successOn
        const within = step.within ?? Duration.zero

        const decision = decide(providerMessageIds, early, successOn)
        let settled: Decision
        if (Option.isSome(decision)) {
          settled = decision.value
        } else {
          const receipt: Effect.Effect<Decision | "deadline", never, WorkflowEngine | WorkflowInstance> = DurableDeferred
            .await(receiptDeferred(n))
          const deadline: Effect.Effect<Decision | "deadline", never, WorkflowEngine | WorkflowInstance> = Effect.as(
            DurableClock.sleep({ name: `deadline/${n}`, duration: within, inMemoryThreshold: Duration.zero }),
            "deadline" as const
          )
          const waited = yield* Durable.raceAll(`wait/${n}`, WaitResult, [receipt, deadline])
          if (waited === "deadline") {
            yield* log(
              `deadline/${n}`,
              new MessageLog.DeadlineExpired({
                step: n,
                channel: step.channel,
                awaited: successOn,
                withinMillis: Duration.toMillis(within)
              }, true)
            )
            yield* abandon(n, step, providerMessageIds)
            return {
              _tag: "Failed",
              reason: `no ${successOn} receipt within ${Duration.format(within)}`,
              attempts
            } satisfies StepResult
          }
          settled = waited
        }
        if (settled.result === "success") {
          return { _tag: "Succeeded", state: settled.status.state, providerMessageIds, attempts } satisfies StepResult
        }
        yield* abandon(n, step, providerMessageIds)
        return {
          _tag: "Failed",
          reason: `the provider reported ${describeStatus(settled.status)}`,
          state: settled.status.state,
          attempts
        } satisfies StepResult
      })

    const reports: Array<Outcome.StepReport> = []
    let success: { readonly n: number; readonly result: StepResult & { readonly _tag: "Succeeded" } } | undefined
    for (let index = 0; index < route.steps.length; index++) {
      const n = index + 1
      const step = route.steps[index]!
      const result: StepResult = yield* runStep(n, step)
      reports.push(
        new Outcome.StepReport({
          step: n,
          channel: step.channel,
          result: result._tag === "Succeeded" ? "succeeded" : result._tag === "Skipped" ? "skipped" : "failed",
          reason: result._tag === "Succeeded" ? `reached ${result.state}` : result.reason,
          ...(result._tag !== "Succeeded" && result.error !== undefined ? { error: result.error } : {}),
          ...(result._tag === "Succeeded"
            ? { state: result.state }
            : result._tag === "Failed" && result.state !== undefined
            ? { state: result.state }
            : {}),
          attempts: result.attempts
        }, true)
      )
      if (result._tag === "Succeeded") {
        success = { n, result }
        break
      }
      const next = route.steps[index + 1]
      if (result._tag === "Failed" && next !== undefined) {
        yield* log(
          `fallback/${n}`,
          new MessageLog.Fallback({
            fromStep: n,
            fromChannel: step.channel,
            toStep: n + 1,
            toChannel: next.channel,
            reason: result.reason
          }, true)
        )
      }
    }

    const completedAt = yield* DateTime.now
    const outcome = success === undefined
      ? new Outcome.Outcome({ messageId: message.id, status: "failed", steps: reports, completedAt }, true)
      : new Outcome.Outcome({
        messageId: message.id,
        status: success.result.state === "read"
          ? "read"
          : success.result.state === "delivered"
          ? "delivered"
          : "accepted",
        step: success.n,
        channel: route.steps[success.n - 1]!.channel,
        providerMessageIds: success.result.providerMessageIds,
        steps: reports,
        completedAt
      }, true)
    yield* log("outcome", new MessageLog.Outcome({ outcome }, true))
    return outcome
  })
