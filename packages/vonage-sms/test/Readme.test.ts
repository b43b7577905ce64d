/**
 * The README's examples are meant to be copied: each `ts` block is type-checked, as written, against this
 * package's sources and dependencies (they talk to real providers, so they are not run; the same calls run
 * against the simulator in Contract.test.ts).
 */
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const packageDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..")
const readme = fs.readFileSync(path.join(packageDir, "README.md"), "utf8")
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!)

const compilerOptions = (): ts.CompilerOptions => {
  const configPath = path.join(packageDir, "tsconfig.json")
  const config = ts.readConfigFile(configPath, ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, packageDir)
  return { ...parsed.options, noEmit: true, noUnusedLocals: false }
}

const diagnosticsOf = (files: ReadonlyMap<string, string>): ReadonlyArray<string> => {
  const options = compilerOptions()
  const host = ts.createCompilerHost(options)
  const readFile = host.readFile.bind(host)
  const fileExists = host.fileExists.bind(host)
  const getSourceFile = host.getSourceFile.bind(host)
  host.readFile = (name) => files.get(path.resolve(name)) ?? readFile(name)
  host.fileExists = (name) => files.has(path.resolve(name)) || fileExists(name)
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) => {
    const text = files.get(path.resolve(name))
    return text === undefined
      ? getSourceFile(name, languageVersion, onError, shouldCreate)
      : ts.createSourceFile(name, text, languageVersion, true)
  }
  const program = ts.createProgram([...files.keys()], options, host)
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && files.has(path.resolve(d.file.fileName)))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0)
      return `${path.basename(d.file!.fileName)}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
    })
}

describe("README", () => {
  it("has an example for each mode and the webhook", () => {
    const all = blocks.join("\n")
    assert.include(all, `type: "basic"`)
    assert.include(all, `type: "signed"`)
    assert.include(all, `mode: "kpn"`)
    assert.include(all, "VonageSmsWebhook.parser")
    assert.include(all, "SqlConcatStore.layer")
    assert.isAtLeast(blocks.length, 6)
  })

  it("every TypeScript example type-checks as written", () => {
    // virtual files next to the tests, so module resolution is the package's own
    const files = new Map(blocks.map((code, i) => [path.join(packageDir, "test", `readme-example-${i + 1}.ts`), code]))
    // a negative control: an example with a mistake must be reported
    files.set(
      path.join(packageDir, "test", "readme-negative-control.ts"),
      `import { VonageSmsClient } from "@switchboard/vonage-sms"\nexport const broken = VonageSmsClient.layer({ mode: "direct" })\n`
    )
    const diagnostics = diagnosticsOf(files)
    assert.deepStrictEqual(diagnostics.filter((d) => !d.startsWith("readme-negative-control.ts")), [])
    assert.isAbove(diagnostics.length, 0, "the negative control was not reported")
  }, 300_000)
})
