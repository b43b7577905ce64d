/**
 * Reads a V8 CPU profile (`.cpuprofile`, as written by `node --cpu-prof`) and ranks functions by self time.
 * Frames in an esbuild bundle are traced back to their source file and line through the bundle's source map
 * (Node's own `module.SourceMap`), so a row names the package, file and line it belongs to.
 *
 * @example
 * ```ts
 * import * as CpuProfile from "./CpuProfile.js"
 *
 * const profile = CpuProfile.read("CPU.cpuprofile")
 * const rows = CpuProfile.selfTime(profile, { bundle: "client.mjs" }).slice(0, 10)
 * ```
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import { SourceMap } from "node:module"
import * as path from "node:path"

/**
 * @since 0.1.0
 * @category models
 */
export interface CallFrame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
  readonly columnNumber: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Node {
  readonly id: number
  readonly callFrame: CallFrame
  readonly children?: ReadonlyArray<number>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Profile {
  readonly nodes: ReadonlyArray<Node>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
  readonly startTime: number
  readonly endTime: number
}

/**
 * One function's self time.
 *
 * @since 0.1.0
 * @category models
 */
export interface Row {
  readonly functionName: string
  /** The source module (for bundled code) or the script URL, shortened. */
  readonly module: string
  readonly line: number
  readonly selfMs: number
  /** Share of the profile's non-idle time. */
  readonly share: number
}

/**
 * @since 0.1.0
 * @category reading
 */
export const read = (file: string): Profile => JSON.parse(fs.readFileSync(file, "utf8")) as Profile

/**
 * Finds the source of a position in a bundle (0-based line and column) from the bundle's `.map` file.
 *
 * @since 0.1.0
 * @category reading
 */
export const sourceLocator = (
  bundleFile: string
): ((line: number, column: number) => { readonly module: string; readonly line: number } | undefined) => {
  const mapFile = `${bundleFile}.map`
  if (!fs.existsSync(mapFile)) return () => undefined
  const map = new SourceMap(JSON.parse(fs.readFileSync(mapFile, "utf8")))
  const dir = path.dirname(bundleFile)
  return (line, column) => {
    const entry = map.findEntry(line, column) as { originalSource?: string; originalLine?: number }
    if (entry.originalSource === undefined || entry.originalLine === undefined) return undefined
    const source = entry.originalSource.replace(/^file:\/\//, "")
    return { module: path.isAbsolute(source) ? source : path.resolve(dir, source), line: entry.originalLine + 1 }
  }
}

/**
 * Shortens a module path for a table: `effect/internal/fiberRuntime.js`, `@switchboard/vonage-sms/src/…`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const shortModule = (module: string): string => {
  const nodeModules = module.lastIndexOf("node_modules/")
  if (nodeModules >= 0) {
    return module.slice(nodeModules + "node_modules/".length).replace("/dist/esm/", "/").replace("/dist/cjs/", "/")
  }
  const packages = /(?:^|\/)(packages|bench|apps)\/([^/]+)\/(.*)$/.exec(module)
  if (packages !== null) {
    return packages[1] === "packages" ? `@switchboard/${packages[2]}/${packages[3]}` : `${packages[1]}/${packages[2]}/${packages[3]}`
  }
  if (module.startsWith("node:")) return module
  if (module === "") return "(native)"
  return module.replace(/^file:\/\//, "")
}

/**
 * Pseudo-frames V8 reports that are not JavaScript functions.
 *
 * @since 0.1.0
 * @category constants
 */
export const pseudo = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"])

/**
 * Self time by function, highest first. `(idle)` is left out of the total.
 *
 * @since 0.1.0
 * @category analysing
 */
export const selfTime = (
  profile: Profile,
  options?: {
    readonly bundle?: string | undefined
    /** Only samples taken in this window (microseconds of the profile's clock, as `process.hrtime`). */
    readonly window?: { readonly from: number; readonly to: number } | undefined
  }
): ReadonlyArray<Row> => {
  const bundle = options?.bundle
  const locate = bundle === undefined ? undefined : sourceLocator(bundle)
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const totals = new Map<string, { functionName: string; module: string; line: number; micros: number }>()
  let busy = 0
  let at = profile.startTime
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0
    if (options?.window !== undefined && (at < options.window.from || at > options.window.to)) continue
    const node = byId.get(profile.samples[i]!)
    if (node === undefined) continue
    // a sample's time is the interval up to the next sample
    const micros = profile.timeDeltas[i + 1] ?? 0
    const { functionName, lineNumber, url } = node.callFrame
    if (functionName === "(idle)") continue
    busy += micros
    const origin = locate !== undefined && bundle !== undefined && url.endsWith(path.basename(bundle))
      ? locate(lineNumber, node.callFrame.columnNumber)
      : undefined
    const module = origin === undefined ? shortModule(url.replace(/^node:internal\//, "node:")) : shortModule(origin.module)
    const line = origin === undefined ? lineNumber + 1 : origin.line
    const name = functionName === "" ? "(anonymous)" : functionName
    const key = `${name}\u0000${module}\u0000${line}`
    const entry = totals.get(key)
    if (entry === undefined) totals.set(key, { functionName: name, module, line, micros })
    else entry.micros += micros
  }
  return [...totals.values()]
    .sort((a, b) => b.micros - a.micros)
    .map((entry) => ({
      functionName: entry.functionName,
      module: entry.module,
      line: entry.line,
      selfMs: entry.micros / 1000,
      share: busy === 0 ? 0 : entry.micros / busy
    }))
}

/**
 * Total non-idle time of a profile, in milliseconds.
 *
 * @since 0.1.0
 * @category analysing
 */
export const busyMs = (
  profile: Profile,
  window?: { readonly from: number; readonly to: number } | undefined
): number => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  let busy = 0
  let at = profile.startTime
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0
    if (window !== undefined && (at < window.from || at > window.to)) continue
    if (byId.get(profile.samples[i]!)?.callFrame.functionName !== "(idle)") busy += profile.timeDeltas[i + 1] ?? 0
  }
  return busy / 1000
}
