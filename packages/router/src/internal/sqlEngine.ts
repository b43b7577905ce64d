// A durable `WorkflowEngine` for one process on a SQL database (SQLite or PostgreSQL): the single-node engine.
//
// Workflows run in this process. What makes them durable is stored in four tables:
// - executions: payload, parent, and the result once complete;
// - activities: the exit of every completed activity attempt, so a replay returns it instead of running again;
// - deferreds: the exit of every completed durable deferred (receipts, clocks, races);
// - clocks: when a durable clock fires; a poller completes the clock's deferred when it is due.
//
// A workflow that suspends (waits for a deferred or a clock) leaves memory: nothing is kept for it but its rows.
// When its deferred completes, it is loaded and replayed from the start, activities answering from their rows.
// At start-up every execution that has not completed is replayed, so work interrupted by a crash carries on.
// Activities are at least once: an activity that was running when the process died runs again.
import type { MigrationError } from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type * as Activity from "@effect/workflow/Activity"
import * as DurableClock from "@effect/workflow/DurableClock"
import * as Workflow from "@effect/workflow/Workflow"
import { makeUnsafe, WorkflowEngine, WorkflowInstance } from "@effect/workflow/WorkflowEngine"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Migrations from "./migrations.js"
import { persistently } from "./persistently.js"

const ExitJson = Schema.parseJson(Schema.Exit({ success: Schema.Unknown, failure: Schema.Unknown, defect: Schema.Defect }))
const encodeExit = Schema.encodeSync(ExitJson)
const decodeExit = Schema.decodeUnknownSync(ExitJson)

const interruptSignal = "Workflow/InterruptSignal"

type Execute = (payload: object, executionId: string) => Effect.Effect<unknown, unknown, WorkflowInstance | WorkflowEngine>

interface Registered {
  readonly workflow: Workflow.Any
  readonly execute: Execute
  readonly scope: Scope.Scope
  readonly payload: Schema.Schema<any, string>
  readonly result: Schema.Schema<Workflow.Complete<unknown, unknown>, string>
}

interface Execution {
  readonly executionId: string
  readonly registered: Registered
  payload: object | undefined
  parent: { readonly workflowName: string; readonly executionId: string } | undefined
  /** A run is in progress (or the execution is being loaded to start one). */
  running: boolean
  /** A wake-up arrived while running: run again if this run suspends. */
  again: boolean
  fiber: Fiber.RuntimeFiber<Workflow.Result<unknown, unknown>> | undefined
  instance: WorkflowInstance["Type"] | undefined
  /** Completed activity attempts, by `name/attempt`. */
  readonly activities: Map<string, Exit.Exit<unknown, unknown>>
  /** Completed deferreds, by name. */
  readonly deferreds: Map<string, Exit.Exit<unknown, unknown>>
}

/** @internal */
export interface Options {
  readonly prefix: string
  /** How often due clocks are looked for. */
  readonly clockPollInterval: Duration.DurationInput
}

/** @internal */
export const make = (
  options: Options
): Effect.Effect<WorkflowEngine["Type"], SqlError | MigrationError, SqlClient.SqlClient | Scope.Scope> =>
  Effect.gen(function*() {
    yield* Migrations.runEngine(options.prefix)
    const sql = (yield* SqlClient.SqlClient).withoutTransforms()
    const table = (name: string) => sql(`${options.prefix}_${name}`)
    const executionsTable = table("executions")
    const activitiesTable = table("activities")
    const deferredsTable = table("deferreds")
    const clocksTable = table("clocks")
    const engineScope = yield* Effect.scope

    const workflows = new Map<string, Registered>()
    const executions = new Map<string, Execution>()

    const newExecution = (registered: Registered, executionId: string): Execution => ({
      executionId,
      registered,
      payload: undefined,
      parent: undefined,
      running: true,
      again: false,
      fiber: undefined,
      instance: undefined,
      activities: new Map(),
      deferreds: new Map()
    })

    // Reads what an execution has stored; false when it does not exist or has completed.
    const load = (state: Execution): Effect.Effect<boolean> =>
      persistently(Effect.gen(function*() {
        const rows = yield* sql<{ payload: string; parent_workflow: string | null; parent_execution_id: string | null }>`
          SELECT payload, parent_workflow, parent_execution_id FROM ${executionsTable}
          WHERE execution_id = ${state.executionId} AND done = 0`
        const row = rows[0]
        if (row === undefined) return false
        state.payload = yield* Schema.decode(state.registered.payload)(row.payload)
        state.parent = row.parent_workflow !== null && row.parent_execution_id !== null
          ? { workflowName: row.parent_workflow, executionId: row.parent_execution_id }
          : undefined
        const activities = yield* sql<{ name: string; attempt: unknown; exit: string }>`
          SELECT name, attempt, exit FROM ${activitiesTable} WHERE execution_id = ${state.executionId}`
        for (const activity of activities) {
          state.activities.set(`${activity.name}/${Number(activity.attempt)}`, decodeExit(activity.exit))
        }
        const deferreds = yield* sql<{ name: string; exit: string }>`
          SELECT name, exit FROM ${deferredsTable} WHERE execution_id = ${state.executionId}`
        for (const deferred of deferreds) state.deferreds.set(deferred.name, decodeExit(deferred.exit))
        return true
      }))

    // Starts a run of a claimed execution (running = true) in the background.
    const run = (state: Execution): Effect.Effect<void> =>
      Effect.suspend(() => {
        const { registered } = state
        const instance = WorkflowInstance.initial(registered.workflow, state.executionId)
        instance.interrupted = state.deferreds.has(interruptSignal)
        state.instance = instance
        state.running = true
        state.again = false
        return registered.execute(state.payload!, state.executionId).pipe(
          Effect.onExit(() => {
            if (!instance.interrupted) return Effect.void
            instance.suspended = false
            return Effect.withFiberRuntime<void>((fiber) => Effect.interruptible(Fiber.interrupt(fiber)))
          }),
          Workflow.intoResult,
          Effect.provideService(WorkflowInstance, instance),
          Effect.provideService(WorkflowEngine, engine),
          Effect.tap((result) => finish(state, result)),
          Effect.forkIn(registered.scope),
          Effect.map((fiber) => {
            state.fiber = fiber
          })
        )
      })

    const finish = (state: Execution, result: Workflow.Result<unknown, unknown>): Effect.Effect<void> => {
      if (result._tag === "Suspended") {
        return Effect.suspend(() => {
          if (state.again) return run(state)
          state.running = false
          executions.delete(state.executionId)
          return Effect.void
        })
      }
      return Effect.gen(function*() {
        const encoded = yield* Effect.orDie(Schema.encode(state.registered.result)(result))
        yield* persistently(sql.withTransaction(Effect.gen(function*() {
          yield* sql`UPDATE ${executionsTable} SET done = 1, result = ${encoded} WHERE execution_id = ${state.executionId}`
          yield* sql`DELETE FROM ${activitiesTable} WHERE execution_id = ${state.executionId}`
          yield* sql`DELETE FROM ${deferredsTable} WHERE execution_id = ${state.executionId}`
          yield* sql`DELETE FROM ${clocksTable} WHERE execution_id = ${state.executionId}`
        })))
        state.running = false
        executions.delete(state.executionId)
        if (state.parent !== undefined) {
          const parent = workflows.get(state.parent.workflowName)
          if (parent !== undefined) yield* wake(parent, state.parent.executionId)
        }
      })
    }

    // Makes sure a stored execution that has not completed is running (or will run again).
    const wake = (registered: Registered, executionId: string): Effect.Effect<void> =>
      Effect.suspend(() => {
        const known = executions.get(executionId)
        if (known !== undefined) {
          if (known.running) known.again = true
          else return run(known)
          return Effect.void
        }
        const state = newExecution(registered, executionId)
        executions.set(executionId, state)
        return Effect.flatMap(load(state), (found) =>
          found
            ? run(state)
            : Effect.sync(() => {
              executions.delete(executionId)
            }))
      })

    const storedResult = (registered: Registered, executionId: string) =>
      Effect.flatMap(
        persistently(sql<{ done: unknown; result: string | null }>`
          SELECT done, result FROM ${executionsTable} WHERE execution_id = ${executionId}`),
        (rows): Effect.Effect<Workflow.Result<unknown, unknown> | undefined> => {
          const row = rows[0]
          if (row === undefined) return Effect.succeed(undefined)
          if (Number(row.done) === 0 || row.result === null) return Effect.succeed(new Workflow.Suspended())
          return Effect.orDie(Schema.decode(registered.result)(row.result))
        }
      )

    const storeDeferred = (executionId: string, name: string, exit: Exit.Exit<unknown, unknown>) =>
      Effect.gen(function*() {
        const encoded = encodeExit(exit)
        const inserted = yield* persistently(sql<{ name: string }>`
          INSERT INTO ${deferredsTable} (execution_id, name, exit) VALUES (${executionId}, ${name}, ${encoded})
          ON CONFLICT (execution_id, name) DO NOTHING
          RETURNING name`)
        const state = executions.get(executionId)
        if (inserted.length > 0 && state !== undefined) state.deferreds.set(name, decodeExit(encoded))
      })

    const registeredFor = (workflow: Workflow.Any): Effect.Effect<Registered> =>
      Effect.suspend(() => {
        const registered = workflows.get(workflow.name)
        return registered === undefined
          ? Effect.dieMessage(`Workflow ${workflow.name} is not registered`)
          : Effect.succeed(registered)
      })

    const engine: WorkflowEngine["Type"] = makeUnsafe({
      register: (workflow, execute) =>
        Effect.gen(function*() {
          const registered: Registered = {
            workflow,
            execute,
            scope: yield* Effect.scope,
            payload: Schema.parseJson(workflow.payloadSchema) as any,
            result: Schema.parseJson(
              Workflow.Complete.Schema({ success: workflow.successSchema, error: workflow.errorSchema })
            ) as any
          }
          workflows.set(workflow.name, registered)
          // carry on with what a previous process left unfinished
          yield* persistently(sql<{ execution_id: string }>`
            SELECT execution_id FROM ${executionsTable} WHERE done = 0 AND workflow = ${workflow.name}`).pipe(
            Effect.flatMap((rows) =>
              Effect.forEach(rows, (row) => wake(registered, row.execution_id), { concurrency: 16, discard: true })
            ),
            Effect.forkIn(registered.scope)
          )
        }),

      execute: (workflow, { discard, executionId, parent, payload }) =>
        Effect.gen(function*() {
          const registered = yield* registeredFor(workflow)
          let state = executions.get(executionId)
          if (state === undefined) {
            state = newExecution(registered, executionId)
            executions.set(executionId, state)
            const encoded = yield* Effect.orDie(Schema.encode(registered.payload)(payload))
            const inserted = yield* persistently(sql<{ execution_id: string }>`
              INSERT INTO ${executionsTable} (execution_id, workflow, payload, parent_workflow, parent_execution_id)
              VALUES (${executionId}, ${workflow.name}, ${encoded}, ${parent?.workflow.name ?? null}, ${
              parent?.executionId ?? null
            })
              ON CONFLICT (execution_id) DO NOTHING
              RETURNING execution_id`)
            if (inserted.length > 0) {
              state.payload = payload
              state.parent = parent === undefined
                ? undefined
                : { workflowName: parent.workflow.name, executionId: parent.executionId }
              yield* run(state)
            } else if (yield* load(state)) {
              yield* run(state)
            } else {
              executions.delete(executionId)
            }
          }
          if (discard) return undefined as any
          const current = executions.get(executionId)
          if (current?.fiber !== undefined && current.running) return yield* Fiber.join(current.fiber)
          return (yield* storedResult(registered, executionId)) ?? new Workflow.Suspended()
        }),

      poll: (workflow, executionId) =>
        Effect.gen(function*() {
          const registered = yield* registeredFor(workflow)
          if (executions.get(executionId)?.running === true) return undefined
          return yield* storedResult(registered, executionId)
        }),

      interrupt: (workflow, executionId) =>
        Effect.gen(function*() {
          const registered = yield* registeredFor(workflow)
          yield* storeDeferred(executionId, interruptSignal, Exit.void)
          const state = executions.get(executionId)
          if (state?.instance !== undefined) state.instance.interrupted = true
          yield* wake(registered, executionId)
        }),

      resume: (workflow, executionId) => Effect.flatMap(registeredFor(workflow), (registered) => wake(registered, executionId)),

      activityExecute: (activity: Activity.Any, attempt: number) =>
        Effect.gen(function*() {
          const instance = yield* WorkflowInstance
          const state = executions.get(instance.executionId)
          const key = `${activity.name}/${attempt}`
          const stored = state?.activities.get(key)
          if (stored !== undefined) return new Workflow.Complete({ exit: stored })
          const activityInstance = WorkflowInstance.initial(instance.workflow, instance.executionId)
          activityInstance.interrupted = instance.interrupted
          const result = yield* activity.executeEncoded.pipe(
            Workflow.intoResult,
            Effect.provideService(WorkflowInstance, activityInstance)
          )
          if (result._tag === "Complete") {
            const encoded = encodeExit(result.exit)
            yield* persistently(sql`
              INSERT INTO ${activitiesTable} (execution_id, name, attempt, exit)
              VALUES (${instance.executionId}, ${activity.name}, ${attempt}, ${encoded})
              ON CONFLICT (execution_id, name, attempt) DO NOTHING`)
            state?.activities.set(key, result.exit)
          }
          return result
        }),

      deferredResult: (deferred) =>
        Effect.map(WorkflowInstance, (instance) => executions.get(instance.executionId)?.deferreds.get(deferred.name)),

      deferredDone: ({ deferredName, executionId, exit, workflowName }) =>
        Effect.gen(function*() {
          yield* storeDeferred(executionId, deferredName, exit)
          const registered = workflows.get(workflowName)
          if (registered !== undefined) yield* wake(registered, executionId)
        }),

      scheduleClock: (workflow, { clock, executionId }: { readonly executionId: string; readonly clock: DurableClock.DurableClock }) =>
        Effect.gen(function*() {
          if (executions.get(executionId)?.deferreds.has(clock.deferred.name) === true) return
          const wakeAt = (yield* Clock.currentTimeMillis) + Duration.toMillis(clock.duration)
          yield* persistently(sql`
            INSERT INTO ${clocksTable} (execution_id, name, workflow, wake_at)
            VALUES (${executionId}, ${clock.name}, ${workflow.name}, ${wakeAt})
            ON CONFLICT (execution_id, name) DO NOTHING`)
        })
    })

    // Clocks: complete the deferreds of those that are due, then forget them.
    const fireDueClocks = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const due = yield* persistently(sql<{ execution_id: string; name: string; workflow: string }>`
        SELECT execution_id, name, workflow FROM ${clocksTable} WHERE wake_at <= ${now} ORDER BY wake_at LIMIT 1000`)
      for (const clock of due) {
        const deferred = DurableClock.make({ name: clock.name, duration: Duration.zero }).deferred
        yield* engine.deferredDone(deferred, {
          workflowName: clock.workflow,
          executionId: clock.execution_id,
          deferredName: deferred.name,
          exit: Exit.void
        })
        yield* persistently(sql`
          DELETE FROM ${clocksTable} WHERE execution_id = ${clock.execution_id} AND name = ${clock.name}`)
      }
      return due.length
    })
    yield* fireDueClocks.pipe(
      Effect.flatMap((fired) => fired >= 1000 ? Effect.void : Effect.sleep(options.clockPollInterval)),
      Effect.forever,
      Effect.forkIn(engineScope)
    )

    return engine
  })

/** @internal */
export const layer = (
  options: Options
): Layer.Layer<WorkflowEngine, SqlError | MigrationError, SqlClient.SqlClient> => Layer.scoped(WorkflowEngine, make(options))
