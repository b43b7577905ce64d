import * as Context from "effect/Context"

/**
 * Present when the workflow engine is `@effect/workflow`'s in-memory engine. That engine drops a durable
 * deferred's wake-up when it arrives while the workflow's fiber is still winding down into suspension (it
 * only resumes executions that are not running); the router then checks again once the fiber has stopped.
 *
 * @internal
 */
export class MemoryEngine extends Context.Tag("@switchboard/router/internal/MemoryEngine")<MemoryEngine, true>() {}
