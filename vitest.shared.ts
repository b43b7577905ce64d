import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { ViteUserConfig } from "vitest/config"

const root = path.dirname(fileURLToPath(import.meta.url))

// Tests import sibling packages from their sources, so no build is needed before `pnpm test`.
const alias = fs.readdirSync(path.join(root, "packages")).flatMap((dir) => {
  const manifest = path.join(root, "packages", dir, "package.json")
  if (!fs.existsSync(manifest)) return []
  const name: string = JSON.parse(fs.readFileSync(manifest, "utf8")).name
  const src = path.join(root, "packages", dir, "src")
  return [
    { find: new RegExp(`^${name}$`), replacement: path.join(src, "index.ts") },
    { find: new RegExp(`^${name}/(.*)$`), replacement: path.join(src, "$1.ts") }
  ]
})

export const shared: ViteUserConfig = {
  resolve: { alias },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    sequence: { concurrent: false }
  }
}
