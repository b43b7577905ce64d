/**
 * One sentence on what a hot function of the send path costs, for the CPU profile table. Known functions
 * (Effect's runtime, Schema, spans, undici, V8) have their own sentence; anything else is described by the
 * module it is in.
 *
 * @example
 * ```ts
 * import * as Explain from "./Explain.js"
 *
 * Explain.row({ functionName: "goMemo", module: "effect/src/ParseResult.ts", line: 790, selfMs: 300, share: 0.02 })
 * ```
 *
 * @since 0.1.0
 */
import type * as CpuProfile from "./CpuProfile.js"

interface Rule {
  readonly test: (row: CpuProfile.Row) => boolean
  readonly sentence: (row: CpuProfile.Row) => string
}

const fn = (name: string | RegExp, module?: string | RegExp) => (row: CpuProfile.Row): boolean =>
  (typeof name === "string" ? row.functionName === name : name.test(row.functionName)) &&
  (module === undefined || (typeof module === "string" ? row.module.includes(module) : module.test(row.module)))

const rules: ReadonlyArray<Rule> = [
  {
    test: fn("(garbage collector)"),
    sentence: () =>
      "V8 reclaiming the short-lived objects every send allocates (request and response objects, fibers, Schema class instances, spans); the less a send allocates, the smaller this gets."
  },
  {
    test: fn("(program)"),
    sentence: () => "Native V8/Node work not attributed to a JavaScript function (compiling, IC misses, runtime calls)."
  },
  {
    test: fn(/^(writev|writeBuffer|writeUtf8String|writeLatin1String)$/),
    sentence: () => "Native socket writes: the request line, headers and body handed to the kernel, once per request."
  },
  {
    test: fn(/^(readStart|onStreamRead|parse|execute)$/, /^\(native\)$|node:/),
    sentence: () => "Native HTTP response reading and parsing (llhttp) for each answer."
  },
  {
    test: fn("addSpanStackTrace", "tracer"),
    sentence: () =>
      "Effect captures a stack trace (an `Error` object) for every `Effect.withSpan` so spans point at their call site; each send opens several spans (`Channel`, `VonageSmsClient.send`, the HTTP client), with or without a tracer installed."
  },
  {
    test: fn(/unsafeMakeSpan|makeSpan|^NativeSpan$/),
    sentence: () =>
      "Creating the span objects of `Effect.withSpan` (attributes, links, timing) for every send, even when no tracer exports them."
  },
  {
    test: fn(/^(goMemo|go|getEffect|validateSync|getSearchTree|getLiterals)$/, "ParseResult"),
    sentence: () =>
      "Schema's parser: looking up (and, for schemas built on the fly, compiling) the validator or codec of a schema; run by every `Schema.Class` constructor (`Message`, `Receipt`, `SendRequest`, …), by `Schema.encode(SendRequest)` and by decoding the JSON answer."
  },
  {
    test: fn(/^(typeAST|changeMap|encodedAST|getTypeAST)$/, "SchemaAST"),
    sentence: () =>
      "Schema AST rewriting (deriving the type side of a schema): done again on every `Schema.Class` construction that validates its fields, so constructing `Message`, `Receipt` or `SendRequest` pays for it each time."
  },
  {
    test: fn(/^(klass|lazilyMergeDefaults|make\d*|makeTypeLiteralClass|TypeLiteral)$/, /Schema(AST)?\.ts/),
    sentence: () =>
      "A `Schema.Class` constructor: merging defaults and validating the fields of each `Message`, `Recipient`, `Receipt` and `SendRequest` built per send."
  },
  {
    test: (row) => row.module === "effect/src/ParseResult.ts" && row.line >= 1100 && row.line <= 1300,
    sentence: () =>
      "Schema's struct validator: checking an object field by field — the request being encoded, the decoded answer, and each `Schema.Class` instance built per send (`Message`, `Recipient`, `Receipt`, `SendRequest`, `AcceptedPart`)."
  },
  {
    test: (row) => row.module === "effect/src/ParseResult.ts" && row.line >= 1380 && row.line <= 1500,
    sentence: () =>
      "Schema's union matcher: picking the member of a union for a value (`AcceptedPart | RefusedPart` for each part of the answer, the content and address kinds of a `Message`)."
  },
  {
    test: (row) => row.module.includes("ParseResult"),
    sentence: () => "Schema parsing and validation (ParseResult): encoding the request, decoding the answer, validating class constructors."
  },
  {
    test: (row) => /Schema(AST)?\.ts/.test(row.module),
    sentence: () => "Schema machinery (class construction, AST handling) run for the values built per send."
  },
  {
    test: (row) =>
      row.functionName === "FiberRuntime" && row.module === "effect/src/internal/fiberRuntime.ts" && row.line >= 1170 &&
      row.line <= 1200,
    sentence: () =>
      "Effect's interpreter after a successful step: popping the next continuation (the rest of a `flatMap`, a `map`, an `Effect.gen` resumption) off the fiber's stack. (V8 names the `FiberRuntime` class's computed-key methods after the class.)"
  },
  {
    test: fn(/^(runLoop|evaluateEffect|FiberRuntime|drainQueueOnCurrentThread|evaluateMessageWhileSuspended)$/, "fiberRuntime"),
    sentence: () =>
      "Effect's fiber interpreter: every `flatMap`, `map`, service lookup and `Effect.gen` step of a send is one turn of this loop; the cost grows with the number of steps, not with I/O."
  },
  {
    test: (row) => row.module === "effect/src/internal/fiberRuntime.ts" && row.line >= 1370 && row.line <= 1400,
    sentence: () =>
      "The heart of Effect's interpreter: evaluating one effect primitive (every `flatMap`, `map`, `sync`, service lookup of a send passes through here once)."
  },
  {
    test: (row) => row.module === "effect/src/internal/fiberRuntime.ts" && row.line >= 190 && row.line <= 210,
    sentence: () =>
      "Stepping `Effect.gen` generators: resuming a generator on each `yield*` (the channel's and the client's `send` are `Effect.gen` blocks)."
  },
  {
    test: fn("getFiberRef", "fiberRuntime"),
    sentence: () =>
      "Reading fiber-local state (current span, context, scheduler, tracer settings); done many times per send by the runtime and the HTTP client."
  },
  {
    test: (row) => row.module.includes("fiberRuntime"),
    sentence: () =>
      "Effect's fiber runtime (starting, resuming and finishing fibers, running the steps of a send's effects)."
  },
  {
    test: (row) => row.module.startsWith("effect/src/internal/core") || row.module.includes("effect/src/internal/core"),
    sentence: () => "Effect's core combinators (building the effect values a send is made of)."
  },
  {
    test: (row) => row.module.startsWith("effect/src/Function.ts"),
    sentence: () =>
      "`pipe`/`dual` dispatch of Effect's data-first and data-last APIs: a small cost paid on every combinator call."
  },
  {
    test: (row) => row.module.startsWith("effect/"),
    sentence: (row) => `Effect's \`${row.module.replace(/^effect\/src\//, "")}\`, part of the runtime work of a send.`
  },
  {
    test: (row) => row.module.startsWith("@effect/platform-node"),
    sentence: () => "`@effect/platform-node`'s undici client adapter: turning an `HttpClientRequest` into an undici request and its answer into an `HttpClientResponse`."
  },
  {
    test: (row) => row.module.startsWith("@effect/platform"),
    sentence: (row) =>
      `\`@effect/platform\`'s HTTP client (\`${row.module.split("/").pop()}\`): building the request (URL, headers, body) and reading the response.`
  },
  {
    test: (row) => row.module.startsWith("undici"),
    sentence: () => "undici's HTTP/1.1 client: connection pool bookkeeping, request serialization and response parsing."
  },
  {
    test: fn(/createAbortSignal|AbortController|AbortSignal/),
    sentence: () =>
      "An `AbortController` and its signal per request: Effect's HTTP client makes one so that interrupting a fiber cancels the request."
  },
  {
    test: (row) => row.module.startsWith("node:") || row.module.startsWith("(native)"),
    sentence: (row) => `Node.js internals (\`${row.module}\`) on the request path.`
  },
  {
    test: (row) => row.module.startsWith("@switchboard/"),
    sentence: (row) =>
      `Switchboard's own code (\`${row.module}:${row.line}\`), the per-send work of the adapter itself.`
  },
  {
    test: (row) => row.module.startsWith("bench/"),
    sentence: () => "The benchmark's driver loop (timing each send): measurement overhead, the same for every contender."
  }
]

/**
 * The area a row belongs to, for the profile's summary by area.
 *
 * @since 0.1.0
 * @category explaining
 */
export const area = (entry: CpuProfile.Row): string => {
  const { functionName, module } = entry
  if (functionName === "(garbage collector)") return "garbage collection"
  if (functionName === "(program)") return "V8 (unattributed)"
  if (/effect\/src\/(ParseResult|Schema|SchemaAST)\.ts/.test(module)) return "Schema (validation, encoding, decoding)"
  if (/effect\/src\/internal\/tracer\.ts/.test(module) || /Span/.test(functionName)) return "spans (`Effect.withSpan`)"
  if (module.startsWith("effect/")) return "Effect runtime (fibers, combinators)"
  if (module.startsWith("@effect/platform")) return "`@effect/platform` HTTP client"
  if (module.startsWith("undici")) return "undici"
  if (module.startsWith("libphonenumber-js")) return "libphonenumber-js (phone numbers)"
  if (module.startsWith("@switchboard/")) return "Switchboard's own code"
  if (module.startsWith("bench/")) return "benchmark driver"
  if (module.startsWith("node:") || module === "(native)") return "Node.js and native (sockets, HTTP parsing, timers)"
  return "other"
}

/**
 * The sentence for a row.
 *
 * @since 0.1.0
 * @category explaining
 */
export const row = (entry: CpuProfile.Row): string =>
  rules.find((rule) => rule.test(entry))?.sentence(entry) ?? `\`${entry.module}\`.`
