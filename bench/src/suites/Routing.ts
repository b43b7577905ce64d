/**
 * Routing end to end through the durable router on SQLite: a router worker process (`workers/router.ts`)
 * submits messages on a one-step route (`sms.vonage`, success on `delivered`), Switchboard's SMS channel sends
 * them to the simulator (its own process), the simulator sends a delivery receipt for each to the worker's
 * webhook endpoint, which parses it and calls `Router.onEvent`; a message is done when its outcome is in the
 * log. Throughput is messages from the first submission to the last outcome, per second.
 *
 * Memory: a second router worker (fresh database) with the simulator told to send no receipts, so every
 * message stays waiting for one; after each step of the ladder its resident memory is read after a full
 * garbage collection (`--expose-gc`).
 *
 * Sizes grow along a ladder within a time budget: a size whose projected time (at the throughput measured at
 * the previous size) would overrun what is left of the budget is not run, and the report says so.
 *
 * @example
 * ```ts
 * import * as Routing from "./suites/Routing.js"
 *
 * const result = await Routing.run({ sizes: [100, 1000], waiting: [1000, 10_000], runsAtSmallest: 5,
 *   concurrency: 32, budgetMs: 300_000 })
 * ```
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as Processes from "../Processes.js"
import * as Stats from "../Stats.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Messages per end-to-end run, smallest first. */
  readonly sizes: ReadonlyArray<number>
  /** Runs at the smallest size (its figures are their medians); one run at each larger size. */
  readonly runsAtSmallest: number
  /** Messages left waiting for receipts, cumulative, smallest first. */
  readonly waiting: ReadonlyArray<number>
  /** Submissions in flight. */
  readonly concurrency: number
  /** Wall-clock budget of the whole suite. */
  readonly budgetMs: number
  /**
   * Measure the waiting ladder in a router process of its own, on a fresh database (the default), or in the
   * end-to-end one (fewer start-ups, for smoke runs; memory then includes what end to end left behind).
   */
  readonly separateWaitingWorker?: boolean | undefined
  readonly log?: (line: string) => void
}

/**
 * What the router worker reports for one batch.
 *
 * @since 0.1.0
 * @category models
 */
export interface Batch {
  readonly count: number
  readonly elapsedMs: number
  readonly submitMs: number
  readonly throughput: number
  readonly receipts: number
  readonly outcomes: number
  readonly failures: number
  /** Why messages that were not delivered failed (their outcome and failed step's reason), counted. */
  readonly failureReasons: Readonly<Record<string, number>>
  readonly cpuMs: number
  readonly rssBytes: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface EndToEnd {
  readonly size: number
  readonly runs: ReadonlyArray<Batch & { readonly simulatorCpuMs: number | undefined }>
  readonly throughput: number
  readonly elapsedMs: number
  readonly routerCpuMsPerMessage: number
  readonly rssBytes: number
  readonly databaseBytes: number
  readonly failures: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Waiting {
  readonly waiting: number
  readonly rssBytes: number
  readonly heapUsedBytes: number
  /** Memory of C++ objects bound to JavaScript ones and of array buffers. */
  readonly externalBytes: number
  /** File descriptors the process holds (sockets, database files). */
  readonly openFiles: number
  /** Time to submit and send the messages added at this step. */
  readonly addedMs: number
  readonly added: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Skipped {
  readonly what: "end-to-end" | "waiting"
  readonly size: number
  readonly projectedMs: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Result {
  readonly endToEnd: ReadonlyArray<EndToEnd>
  /** Memory of an idle router (nothing waiting), then after each step of the waiting ladder. */
  readonly baseline: {
    readonly rssBytes: number
    readonly heapUsedBytes: number
    readonly externalBytes: number
    readonly openFiles: number
  }
  readonly waiting: ReadonlyArray<Waiting>
  /** Whether the waiting ladder ran in a router process of its own. */
  readonly waitingInOwnProcess: boolean
  readonly skipped: ReadonlyArray<Skipped>
  readonly concurrency: number
  readonly budgetMs: number
  readonly elapsedMs: number
  readonly simulatorCommand: string
}

const fileSize = (file: string): number =>
  ["", "-wal", "-shm", "-journal"].reduce((sum, suffix) => {
    try {
      return sum + fs.statSync(`${file}${suffix}`).size
    } catch {
      return sum
    }
  }, 0)

interface Memory {
  readonly rssBytes: number
  readonly heapUsedBytes: number
  readonly externalBytes: number
  readonly openFiles: number
}

/**
 * Runs the suite.
 *
 * @since 0.1.0
 * @category running
 */
export const run = async (options: Options): Promise<Result> => {
  const log = options.log ?? (() => {})
  const started = performance.now()
  const deadline = started + options.budgetMs
  // end to end gets a little over half of the budget, the waiting ladder the rest
  const endToEndDeadline = started + options.budgetMs * 0.55
  const skipped: Array<Skipped> = []
  const simulator = await Processes.startSimulator()
  let batch = 0
  try {
    const startRouter = async () => {
      const worker = await Processes.startWorker("router", { nodeFlags: ["--expose-gc"] })
      const setup = await worker.call<{ dlrUrl: string; database: string }>("setup", { baseUrl: simulator.baseUrl })
      return { worker, ...setup }
    }
    const scenario = (dlrUrl: string, outcome: "deliver" | "no-receipt") =>
      simulator.loadScenario({
        default: { type: outcome },
        webhooks: { vonageSms: { deliveryReceiptUrl: dlrUrl, method: "POST-JSON" } }
      })
    const separate = options.separateWaitingWorker ?? true
    let router = await startRouter()
    const routers = [router]
    try {
      // ---- end to end -----------------------------------------------------------------------------------
      const endToEnd: Array<EndToEnd> = []
      await scenario(router.dlrUrl, "deliver")
      const route = (count: number, wait: "outcome" | "sent") =>
        router.worker.call<Batch>("route", { count, concurrency: options.concurrency, prefix: `b${++batch}`, wait })
      const warm = await route(Math.min(20, options.sizes[0] ?? 20), "outcome")
      let throughput = warm.throughput
      for (const [index, size] of options.sizes.entries()) {
        const runs = index === 0 ? options.runsAtSmallest : 1
        const projectedMs = (runs * size * 1000) / throughput
        if (index > 0 && performance.now() + projectedMs > endToEndDeadline) {
          skipped.push({ what: "end-to-end", size, projectedMs })
          log(`  routing: ${size} messages end to end skipped (projected ${(projectedMs / 1000).toFixed(0)} s)`)
          continue
        }
        const results: Array<EndToEnd["runs"][number]> = []
        for (let r = 0; r < runs; r++) {
          // at least 3 runs at the smallest size; more only while they fit
          const eachMs = results.length === 0 ? 0 : Stats.median(results.map((x) => x.elapsedMs))
          if (r >= 3 && performance.now() + eachMs > endToEndDeadline) {
            log(`  routing: stopped after ${r} runs of ${size} messages (budget)`)
            break
          }
          await simulator.reset()
          const cpuBefore = simulator.cpuTimeMillis()
          const result = await route(size, "outcome")
          await simulator.drain()
          const cpuAfter = simulator.cpuTimeMillis()
          results.push({
            ...result,
            simulatorCpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore
          })
          log(`  routing: ${size} messages end to end in ${(result.elapsedMs / 1000).toFixed(1)} s (${result.throughput.toFixed(1)} msg/s)`)
        }
        throughput = Stats.median(results.map((r) => r.throughput))
        endToEnd.push({
          size,
          runs: results,
          throughput,
          elapsedMs: Stats.median(results.map((r) => r.elapsedMs)),
          routerCpuMsPerMessage: Stats.median(results.map((r) => r.cpuMs / r.count)),
          rssBytes: Stats.median(results.map((r) => r.rssBytes)),
          databaseBytes: fileSize(router.database),
          failures: results.reduce((sum, r) => sum + r.failures, 0)
        })
      }

      // ---- waiting for receipts -------------------------------------------------------------------------
      const waiting: Array<Waiting> = []
      await simulator.reset()
      if (separate) {
        await router.worker.stop()
        router = await startRouter()
        routers.push(router)
      }
      await scenario(router.dlrUrl, "no-receipt")
      const baseline = await router.worker.call<Memory>("memory")
      let current = 0
      for (const target of options.waiting) {
        const added = target - current
        if (added <= 0) continue
        const projectedMs = (added * 1000) / throughput
        if (waiting.length > 0 && performance.now() + projectedMs > deadline) {
          skipped.push({ what: "waiting", size: target, projectedMs })
          log(`  routing: ${target} waiting skipped (projected ${(projectedMs / 1000).toFixed(0)} s)`)
          continue
        }
        const result = await route(added, "sent")
        throughput = result.throughput
        current = target
        const memory = await router.worker.call<Memory>("memory")
        waiting.push({ waiting: target, ...memory, addedMs: result.elapsedMs, added })
        log(`  routing: ${target} waiting, rss ${(memory.rssBytes / 2 ** 20).toFixed(0)} MiB`)
      }
      return {
        endToEnd,
        baseline,
        waiting,
        waitingInOwnProcess: separate,
        skipped,
        concurrency: options.concurrency,
        budgetMs: options.budgetMs,
        elapsedMs: performance.now() - started,
        simulatorCommand: simulator.command
      }
    } finally {
      for (const r of routers) await r.worker.stop()
    }
  } finally {
    await simulator.stop()
  }
}
