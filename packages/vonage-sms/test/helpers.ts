import type { Webhook } from "@switchboard/core"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures")

export const fixture = (name: string): string => fs.readFileSync(path.join(fixturesDir, name), "utf8")

export const fixtureJson = (name: string): Record<string, unknown> => JSON.parse(fixture(name))

/** Every value as a string, as it travels in a query string or a form body. */
const stringify = (params: Record<string, unknown>): Array<[string, string]> =>
  Object.entries(params).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)])

export const getRequest = (params: Record<string, unknown>, url = "https://example.com/webhooks/sms"): Webhook.Request => ({
  method: "GET",
  url: `${url}?${new URLSearchParams(stringify(params)).toString()}`,
  headers: {},
  body: ""
})

export const formRequest = (params: Record<string, unknown>, url = "https://example.com/webhooks/sms"): Webhook.Request => ({
  method: "POST",
  url,
  headers: { "Content-Type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(stringify(params)).toString()
})

export const jsonRequest = (body: unknown, url = "https://example.com/webhooks/sms"): Webhook.Request => ({
  method: "POST",
  url,
  headers: { "content-type": "application/json; charset=utf-8" },
  body: JSON.stringify(body)
})

export const transports = [
  ["GET query", getRequest],
  ["form POST", formRequest],
  ["JSON POST", jsonRequest]
] as const
