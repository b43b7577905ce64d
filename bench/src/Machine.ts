/**
 * What the benchmarks ran on: CPU model, cores, memory, Node version, operating system and the load average
 * when the run started (and when it ended), so figures can be read against how busy the machine was.
 *
 * @example
 * ```ts
 * import * as Machine from "./Machine.js"
 *
 * const machine = Machine.describe()
 * console.log(machine.cpuModel, machine.cores, machine.loadAverage)
 * ```
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as os from "node:os"

/**
 * @since 0.1.0
 * @category models
 */
export interface Machine {
  readonly cpuModel: string
  readonly cores: number
  readonly memoryGiB: number
  readonly node: string
  readonly os: string
  /** 1, 5 and 15 minute load averages. */
  readonly loadAverage: readonly [number, number, number]
  readonly at: string
}

const cpuModel = (): string => {
  const fromOs = os.cpus()[0]?.model
  if (fromOs !== undefined && fromOs.trim() !== "") return fromOs.trim()
  try {
    const line = fs.readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("model name"))
    return line?.split(":")[1]?.trim() ?? "unknown"
  } catch {
    return "unknown"
  }
}

/**
 * The current load average.
 *
 * @since 0.1.0
 * @category reading
 */
export const loadAverage = (): readonly [number, number, number] => {
  const [one = 0, five = 0, fifteen = 0] = os.loadavg()
  return [one, five, fifteen]
}

/**
 * Describes the machine now.
 *
 * @since 0.1.0
 * @category reading
 */
export const describe = (): Machine => ({
  cpuModel: cpuModel(),
  cores: os.availableParallelism(),
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  loadAverage: loadAverage(),
  at: new Date().toISOString()
})

/**
 * Whether the machine was busy: a 1-minute load average above its core count means other work competed for
 * the CPUs, and absolute figures are lower than on an idle machine (ratios measured in the same run hold
 * better).
 *
 * @since 0.1.0
 * @category reading
 */
export const isBusy = (machine: Pick<Machine, "cores" | "loadAverage">): boolean =>
  machine.loadAverage[0] > machine.cores
