// Activities and durable deferreds made once per name, not once per use.
//
// `Activity.make` and `DurableDeferred.make` build new exit schemas on every call, and a schema that is new
// gets its parser compiled again when the engine decodes a result through it. The routing workflow replays
// from its start each time it resumes, so making them afresh per use compiled several parsers per step of
// every message. Here each name is made once (names encode the step and attempt, so they are few), and the
// activity's body — which differs per message — is provided to it through the context.
import * as Activity from "@effect/workflow/Activity"
import * as DurableDeferred from "@effect/workflow/DurableDeferred"
import * as Workflow from "@effect/workflow/Workflow"
import { WorkflowEngine } from "@effect/workflow/WorkflowEngine"
import type { WorkflowInstance } from "@effect/workflow/WorkflowEngine"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import type * as Schema from "effect/Schema"

class ActivityBody extends Context.Tag("@switchboard/router/internal/durable/ActivityBody")<
  ActivityBody,
  Effect.Effect<unknown, unknown>
>() {}

const activities = new Map<string, Activity.Any>()

/**
 * Runs `execute` as the activity `name`; the schemas must be the same for every use of a name.
 *
 * @internal
 */
export const activity = <S extends Schema.Schema.Any = typeof Schema.Void, E extends Schema.Schema.All = typeof Schema.Never>(
  name: string,
  options: { readonly success?: S | undefined; readonly error?: E | undefined },
  execute: Effect.Effect<S["Type"], E["Type"]>
): Effect.Effect<S["Type"], E["Type"], WorkflowEngine | WorkflowInstance | S["Context"] | E["Context"]> => {
  let made = activities.get(name)
  if (made === undefined) {
    made = Activity.make({
      name,
      ...(options.success === undefined ? {} : { success: options.success }),
      ...(options.error === undefined ? {} : { error: options.error }),
      execute: Effect.flatMap(ActivityBody, (body) => body)
    }) as unknown as Activity.Any
    activities.set(name, made)
  }
  return Effect.provideService(made as unknown as Effect.Effect<S["Type"], E["Type"], ActivityBody>, ActivityBody, execute)
}

const deferreds = new Map<string, DurableDeferred.Any>()

/**
 * The durable deferred `name`; the schemas must be the same for every use of a name.
 *
 * @internal
 */
export const deferred = <S extends Schema.Schema.Any, E extends Schema.Schema.All = typeof Schema.Never>(
  name: string,
  options: { readonly success: S; readonly error?: E | undefined }
): DurableDeferred.DurableDeferred<S, E> => {
  let made = deferreds.get(name)
  if (made === undefined) {
    made = DurableDeferred.make(name, options) as unknown as DurableDeferred.Any
    deferreds.set(name, made)
  }
  return made as unknown as DurableDeferred.DurableDeferred<S, E>
}

/**
 * `DurableDeferred.raceAll` on a deferred made once per name (the same deferred name, `raceAll/<name>`).
 *
 * @internal
 */
export const raceAll = <A, S extends Schema.Schema<A, any, never>, R>(
  name: string,
  success: S,
  effects: readonly [Effect.Effect<A, never, R>, ...Array<Effect.Effect<A, never, R>>]
): Effect.Effect<A, never, R | WorkflowEngine | WorkflowInstance> => {
  const self = deferred(`raceAll/${name}`, { success })
  return Effect.gen(function*() {
    const engine = yield* WorkflowEngine
    const exit = yield* Workflow.wrapActivityResult(engine.deferredResult(self), Predicate.isUndefined)
    if (exit !== undefined) return yield* exit
    return yield* DurableDeferred.into(Effect.raceAll(effects), self)
  })
}
