/**
 * Where things are: the bench package and the repository root.
 *
 * @example
 * ```ts
 * import * as Paths from "./Paths.js"
 *
 * console.log(Paths.repoRoot)
 * ```
 *
 * @since 0.1.0
 */
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/**
 * The bench package's folder.
 *
 * @since 0.1.0
 * @category paths
 */
export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

/**
 * The repository root.
 *
 * @since 0.1.0
 * @category paths
 */
export const repoRoot = path.resolve(benchDir, "..")
