/**
 * Worker programs are bundled with esbuild into one file each before they run: on a busy 2-core machine a
 * process that loads hundreds of ES modules through a TypeScript loader takes tens of seconds to start, one
 * bundled file a second or two. Bundles are cached under `node_modules/.cache/switchboard-bench` and rebuilt
 * when any source is newer. `@switchboard/*` imports resolve to the packages' sources (the tsconfig paths),
 * so nothing needs building first. Unminified, with an external source map, so a CPU profile's frames can be
 * traced back to their source file and line (see `CpuProfile`).
 *
 * @example
 * ```ts
 * import * as Bundle from "./Bundle.js"
 *
 * const file = await Bundle.worker("client") // …/node_modules/.cache/switchboard-bench/client.mjs
 * ```
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { benchDir, repoRoot } from "./Paths.js"

/**
 * Where bundles go.
 *
 * @since 0.1.0
 * @category paths
 */
export const cacheDir = path.join(benchDir, "node_modules", ".cache", "switchboard-bench")

const newest = (entry: string): number => {
  let stat: fs.Stats
  try {
    stat = fs.statSync(entry)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  let latest = stat.mtimeMs
  for (const name of fs.readdirSync(entry)) {
    if (name === "node_modules" || name === "dist" || name === "test") continue
    latest = Math.max(latest, newest(path.join(entry, name)))
  }
  return latest
}

const sources = (): Array<string> => [
  path.join(benchDir, "src"),
  ...fs.readdirSync(path.join(repoRoot, "packages")).map((name) => path.join(repoRoot, "packages", name, "src"))
]

/**
 * Packages that stay outside the bundle (native bindings), resolved from the bench package at run time.
 *
 * @since 0.1.0
 * @category constants
 */
export const external = ["@libsql/client", "libsql", "@libsql/*", "esbuild", "fsevents"]

/**
 * The bundle of `src/workers/<name>.ts`, built when missing or stale.
 *
 * @since 0.1.0
 * @category building
 */
export const worker = (name: string): Promise<string> => {
  let building = builds.get(name)
  if (building === undefined) {
    building = build(name)
    builds.set(name, building)
    building.catch(() => builds.delete(name))
  }
  return building
}

const builds = new Map<string, Promise<string>>()

const build = async (name: string): Promise<string> => {
  const entry = path.join(benchDir, "src", "workers", `${name}.ts`)
  // the bundle must sit where `node_modules` resolution finds the external packages
  const outfile = path.join(cacheDir, `${name}.mjs`)
  const built = fs.existsSync(outfile) ? fs.statSync(outfile).mtimeMs : 0
  if (built > 0 && sources().every((source) => newest(source) <= built)) return outfile
  const esbuild = await import("esbuild")
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    tsconfig: path.join(benchDir, "tsconfig.json"),
    external,
    sourcemap: "external",
    // bundled CommonJS dependencies call require()
    banner: {
      js:
        "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
    },
    logLevel: "warning"
  })
  return outfile
}
