/**
 * How big each benchmark is: `full` (what `pnpm bench` runs: the sizes, about an hour on a 2-core
 * machine) and `smoke` (tiny, for the test suite: every benchmark runs end to end so none can rot,
 * and no figure means anything).
 *
 * @example
 * ```ts
 * import * as Presets from "./Presets.js"
 *
 * const sizes = Presets.full
 * sizes.send.concurrencies // [1, 16, 64]
 * ```
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export interface Preset {
  readonly name: "full" | "smoke"
  readonly send: {
    readonly concurrencies: ReadonlyArray<number>
    readonly runs: number
    readonly warmup: number
    /** The size: messages a run. */
    readonly maxCount: number
    readonly minCount: number
    /** Target length of the slowest contender's run, which sizes every contender's runs at a concurrency. */
    readonly targetRunSeconds: number
    readonly workers: "per-contender" | "shared"
  }
  readonly kpn: {
    readonly maxCount: number
    readonly minCount: number
    readonly runs: number
    readonly warmup: number
    /** Target length of the whole measured part of the suite. */
    readonly targetSeconds: number
    readonly connections: number
    readonly workers: "per-contender" | "shared"
  }
  readonly webhooks: {
    readonly warmupSeconds: number
    readonly runs: number
    readonly secondsPerRun: number
    readonly connections: number
  }
  readonly routing: {
    readonly sizes: ReadonlyArray<number>
    readonly runsAtSmallest: number
    readonly waiting: ReadonlyArray<number>
    readonly concurrency: number
    readonly budgetSeconds: number
    /** The waiting ladder in a router process of its own (a clean measure), or in the end-to-end one. */
    readonly separateWaitingWorker: boolean
  }
  readonly profile: {
    readonly count: number
    readonly concurrency: number
    readonly warmup: number
  }
}

/**
 * @since 0.1.0
 * @category presets
 */
export const full: Preset = {
  name: "full",
  send: {
    concurrencies: [1, 16, 64],
    runs: 5,
    warmup: 300,
    maxCount: 10_000,
    minCount: 10_000,
    targetRunSeconds: 3,
    workers: "per-contender"
  },
  kpn: {
    // the 10,000: the token count is the point, and it must hold at that concurrency
    maxCount: 10_000,
    minCount: 10_000,
    runs: 5,
    warmup: 200,
    targetSeconds: 240,
    connections: 64,
    workers: "per-contender"
  },
  webhooks: { warmupSeconds: 3, runs: 5, secondsPerRun: 6, connections: 16 },
  routing: {
    sizes: [100, 1_000, 10_000, 100_000],
    runsAtSmallest: 5,
    waiting: [1_000, 10_000, 100_000],
    concurrency: 32,
    budgetSeconds: 2_100,
    separateWaitingWorker: true
  },
  profile: { count: 5_000, concurrency: 16, warmup: 500 }
}

/**
 * @since 0.1.0
 * @category presets
 */
export const smoke: Preset = {
  name: "smoke",
  send: {
    concurrencies: [1, 4],
    runs: 1,
    warmup: 5,
    maxCount: 20,
    minCount: 20,
    targetRunSeconds: 1,
    workers: "shared"
  },
  kpn: { maxCount: 50, minCount: 50, runs: 1, warmup: 10, targetSeconds: 1, connections: 8, workers: "shared" },
  webhooks: { warmupSeconds: 0, runs: 1, secondsPerRun: 1, connections: 2 },
  routing: { sizes: [3], runsAtSmallest: 1, waiting: [3], concurrency: 3, budgetSeconds: 120, separateWaitingWorker: false },
  profile: { count: 50, concurrency: 4, warmup: 5 }
}

/**
 * Messages a run, from the slowest contender's warm-up throughput: enough for `targetRunSeconds`, between
 * `minCount` and `maxCount`.
 *
 * @since 0.1.0
 * @category sizing
 */
export const sendCount = (send: Preset["send"], slowestWarmupThroughput: number): number => {
  const fitting = Number.isFinite(slowestWarmupThroughput)
    ? Math.round((slowestWarmupThroughput * send.targetRunSeconds) / 100) * 100
    : send.maxCount
  return Math.max(send.minCount, Math.min(send.maxCount, fitting))
}

/**
 * Concurrent sends a KPN run, from the slowest contender's warm-up throughput, so that every run of every
 * contender fits `targetSeconds`.
 *
 * @since 0.1.0
 * @category sizing
 */
export const kpnCount = (kpn: Preset["kpn"], contenders: number, slowestWarmupThroughput: number): number => {
  const fitting = Number.isFinite(slowestWarmupThroughput)
    ? Math.round((slowestWarmupThroughput * kpn.targetSeconds) / (kpn.runs * contenders) / 100) * 100
    : kpn.maxCount
  return Math.max(kpn.minCount, Math.min(kpn.maxCount, fitting))
}

/**
 * The sizes, as sentences for the report (what was reduced from the issue and why).
 *
 * @since 0.1.0
 * @category describing
 */
export const describe = (preset: Preset): ReadonlyArray<string> => [
  preset.send.minCount === preset.send.maxCount
    ? `SMS and WhatsApp: concurrency ${preset.send.concurrencies.join(", ")}; ${preset.send.runs} measured runs per contender and concurrency of ${preset.send.maxCount.toLocaleString("en-US")} messages each, after a ${preset.send.warmup}-message warm-up.`
    : `SMS and WhatsApp: concurrency ${preset.send.concurrencies.join(", ")}; ${preset.send.runs} measured runs per contender and concurrency after a ${preset.send.warmup}-message warm-up; a run is sized so the slowest contender's run takes about ${preset.send.targetRunSeconds} s at its warm-up speed (at most ${preset.send.maxCount.toLocaleString("en-US")}, at least ${preset.send.minCount.toLocaleString("en-US")}); every contender sends the same number at a concurrency, and the tables give it.`,
  preset.kpn.minCount === preset.kpn.maxCount
    ? `KPN token: ${preset.kpn.maxCount.toLocaleString("en-US")} concurrent sends a run, ${preset.kpn.runs} runs per contender, after a warm-up of ${preset.kpn.warmup} concurrent sends.`
    : `KPN token: ${preset.kpn.maxCount.toLocaleString("en-US")} concurrent sends a run when that fits ${preset.kpn.targetSeconds} s for all runs (fewer otherwise, at least ${preset.kpn.minCount.toLocaleString("en-US")}; the table gives the number), ${preset.kpn.runs} runs per contender.`,
  `Webhooks: ${preset.webhooks.runs} runs × ${preset.webhooks.secondsPerRun} s per server (${preset.webhooks.runs * preset.webhooks.secondsPerRun} s of load each), ${preset.webhooks.connections} connections.`,
  `Routing: end to end at ${preset.routing.sizes.map((n) => n.toLocaleString("en-US")).join(", ")} messages (up to ${preset.routing.runsAtSmallest} runs at the smallest — at least 3, more only while they fit the budget — and one at each larger size), waiting for receipts at ${preset.routing.waiting.map((n) => n.toLocaleString("en-US")).join(", ")}, within a budget of ${preset.routing.budgetSeconds} s: sizes that would overrun it are not run and are listed as such.`,
  `Profile: ${preset.profile.count.toLocaleString("en-US")} SMS at concurrency ${preset.profile.concurrency} after a ${preset.profile.warmup}-message warm-up.`
]
