/**
 * The simulator's mutable state. JavaScript runs one fiber step at a time, so plain fields accessed
 * from `Effect.sync` are consistent.
 *
 * @internal
 */
import type * as Scenario from "../Scenario.js"
import type { Counters, RecordedCallback, RecordedRequest, SentMessage } from "../Simulator.js"

interface CompiledRule {
  readonly rule: Scenario.Rule
  readonly test: (to: string) => boolean
  used: number
}

export interface Resolution {
  readonly outcome: Scenario.Outcome
  readonly delayMs: number
  readonly callbacks: Scenario.Callbacks
}

interface IssuedToken {
  readonly clientId: string
  readonly expiresAt: number
}

const compile = (scenario: Scenario.Scenario, compilePattern: typeof Scenario.compilePattern): Array<CompiledRule> =>
  scenario.rules.map((rule) => ({
    rule,
    test: rule.to === undefined ? () => true : compilePattern(rule.to),
    used: 0
  }))

const includes = <A>(selector: A | ReadonlyArray<A> | undefined, value: A): boolean =>
  selector === undefined ||
  (Array.isArray(selector) ? (selector as ReadonlyArray<A>).includes(value) : selector === value)

export class State {
  scenario: Scenario.Scenario
  private rules: Array<CompiledRule>
  requests: Array<RecordedRequest> = []
  callbacks: Array<RecordedCallback> = []
  messages: Array<SentMessage> = []
  /** Inbound webhooks registered through KPN's `/register`, by number. */
  registrations = new Map<string, string>()
  private tokens = new Map<string, IssuedToken>()
  tokensIssued = 0
  balance: number
  quotaUsed = 0
  private sequence = 0
  private byApi: Record<string, number> = {}
  messagesAccepted = 0
  callbacksSent = 0
  callbacksFailed = 0
  inboundSent = 0
  private totalRequests = 0

  constructor(
    scenario: Scenario.Scenario,
    private readonly compilePattern: typeof Scenario.compilePattern,
    /** How many requests, callbacks and messages are kept (the oldest are dropped beyond it). */
    private readonly historyLimit: number = 10_000
  ) {
    this.scenario = scenario
    this.rules = compile(scenario, compilePattern)
    this.balance = scenario.account?.balance ?? 100
  }

  load(scenario: Scenario.Scenario): void {
    this.scenario = scenario
    this.rules = compile(scenario, this.compilePattern)
    this.balance = scenario.account?.balance ?? 100
    this.quotaUsed = 0
  }

  reset(): void {
    this.requests = []
    this.callbacks = []
    this.messages = []
    this.tokens.clear()
    this.registrations.clear()
    this.tokensIssued = 0
    this.quotaUsed = 0
    this.byApi = {}
    this.totalRequests = 0
    this.messagesAccepted = 0
    this.callbacksSent = 0
    this.callbacksFailed = 0
    this.inboundSent = 0
    this.balance = this.scenario.account?.balance ?? 100
    for (const rule of this.rules) rule.used = 0
  }

  nextId(): number {
    this.sequence += 1
    return this.sequence
  }

  resolve(subject: Scenario.Subject): Resolution {
    for (const compiled of this.rules) {
      const { rule } = compiled
      if (rule.times !== undefined && compiled.used >= rule.times) continue
      if (!includes(rule.api, subject.api) || !includes(rule.channel, subject.channel) || !compiled.test(subject.to)) {
        continue
      }
      compiled.used += 1
      return { outcome: rule.outcome, delayMs: rule.delayMs ?? 0, callbacks: rule.callbacks ?? {} }
    }
    return { outcome: this.scenario.default ?? { type: "deliver" }, delayMs: 0, callbacks: {} }
  }

  /** Records a request; beyond the history limit the oldest records are dropped (counters keep counting). */
  record(request: RecordedRequest): void {
    this.totalRequests += 1
    this.byApi[request.api] = (this.byApi[request.api] ?? 0) + 1
    this.requests.push(request)
    this.trim()
  }

  /** Keeps the history within its limit, dropping the oldest entries in batches. */
  trim(): void {
    const slack = Math.max(1, Math.floor(this.historyLimit / 10))
    for (const list of [this.requests, this.callbacks, this.messages] as Array<Array<unknown>>) {
      if (list.length > this.historyLimit + slack) list.splice(0, list.length - this.historyLimit)
    }
  }

  issueToken(token: string, clientId: string, expiresAt: number): void {
    this.tokens.set(token, { clientId, expiresAt })
    this.tokensIssued += 1
  }

  tokenStatus(token: string, now: number): "valid" | "expired" | "unknown" {
    const issued = this.tokens.get(token)
    if (issued === undefined) return "unknown"
    return issued.expiresAt > now ? "valid" : "expired"
  }

  expireTokens(): void {
    for (const [token, issued] of this.tokens) this.tokens.set(token, { ...issued, expiresAt: 0 })
  }

  counters(): Counters {
    return {
      requests: this.totalRequests,
      byApi: { ...this.byApi },
      tokensIssued: this.tokensIssued,
      messagesAccepted: this.messagesAccepted,
      callbacksSent: this.callbacksSent,
      callbacksFailed: this.callbacksFailed,
      inboundSent: this.inboundSent,
      balance: this.balance,
      quotaUsed: this.quotaUsed
    }
  }
}
