// The Switchboard dashboard: the message list and the chosen message's timeline, kept live by the server-sent
// events of /events, and a form that sends a test message through POST /messages. No framework: the DOM, fetch
// and EventSource. Text from the server is only ever set with textContent.
"use strict"

const $ = (selector) => document.querySelector(selector)
const rows = new Map() // message id → <tr>
let selected = null

const el = (tag, props = {}, children = []) => {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value
    else if (key === "class") node.className = value
    else node.setAttribute(key, value)
  }
  for (const child of children) node.append(child)
  return node
}

const time = (iso) => {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleTimeString([], { hour12: false }) + "." + String(date.getMilliseconds()).padStart(3, "0")
}

const badge = (status) => el("span", { class: `badge ${status}`, text: status })

async function api(path, init) {
  const response = await fetch(path, { headers: { accept: "application/json", ...(init && init.body ? { "content-type": "application/json" } : {}) }, ...init })
  const body = await response.json().catch(() => ({}))
  if (!response.ok) throw new Error(body.message || `HTTP ${response.status}`)
  return body
}

function renderRow(summary) {
  let row = rows.get(summary.messageId)
  const cells = [
    el("td", {}, [el("button", { type: "button", class: "link", "aria-label": `Show the timeline of message ${summary.messageId}`, text: summary.messageId.slice(0, 13) })]),
    el("td", {}, [badge(summary.status)]),
    el("td", { text: summary.route || "inline" }),
    el("td", { text: summary.channel || "—" }),
    el("td", { text: time(summary.acceptedAt) })
  ]
  if (row === undefined) {
    row = el("tr", { "data-id": summary.messageId, "aria-selected": "false" })
    rows.set(summary.messageId, row)
    $("#messages tbody").prepend(row)
  }
  row.replaceChildren(...cells)
  row.dataset.status = summary.status
  row.querySelector("button").addEventListener("click", () => select(summary.messageId, true))
  if (selected === summary.messageId) row.setAttribute("aria-selected", "true")
  $("#no-messages").hidden = rows.size > 0
}

async function select(id, focus) {
  selected = id
  for (const [rowId, row] of rows) row.setAttribute("aria-selected", String(rowId === id))
  await refreshTimeline()
  if (focus) $("#timeline-heading").focus()
}

async function refreshTimeline() {
  if (selected === null) return
  const id = selected
  let view
  try {
    view = await api(`/messages/${encodeURIComponent(id)}`)
  } catch (error) {
    $("#timeline-summary").textContent = `Could not load message ${id}: ${error.message}`
    return
  }
  if (selected !== id) return
  const table = $("#timeline")
  table.dataset.id = id
  table.dataset.status = view.status
  const outcome = view.outcome
  $("#timeline-summary").textContent = `Message ${id} on route ${view.route || "inline"}: ${view.status}` +
    (outcome && outcome.channel ? ` by ${outcome.channel}` : "") + (view.lateDelivery ? " (with a late delivery)" : "")
  $("#timeline tbody").replaceChildren(...view.timeline.map((entry) =>
    el("tr", { class: `kind-${entry.kind}`, "data-kind": entry.kind }, [
      el("td", { text: time(entry.at) }),
      el("td", { text: entry.step === undefined ? "" : String(entry.step) }),
      el("td", { text: entry.channel || "" }),
      el("td", { text: entry.kind }),
      el("td", { text: entry.description })
    ])))
  table.hidden = false
}

async function loadMessages() {
  const page = await api("/messages?limit=50")
  for (const summary of [...page.items].reverse()) renderRow(summary)
}

async function loadHealth() {
  const health = await api("/health")
  $("#gateway-info").textContent = `${health.providers === "simulator" ? "Embedded simulator" : "Live providers"} · ${health.channels.join(", ")} · ${health.storage}`
  const select = $("#route")
  select.replaceChildren(...health.routes.map((name) => el("option", { value: name, text: name === health.defaultRoute ? `${name} (default)` : name })))
  select.value = health.defaultRoute
}

function connect() {
  const source = new EventSource("/events")
  source.addEventListener("ready", () => { $("#live-status").textContent = "Live updates: on" })
  source.addEventListener("message", (event) => {
    const summary = JSON.parse(event.data)
    renderRow(summary)
    if (summary.messageId === selected) refreshTimeline()
  })
  source.addEventListener("error", () => { $("#live-status").textContent = "Live updates: reconnecting…" })
}

function setup() {
  $("#kind").addEventListener("change", () => {
    const image = $("#kind").value === "image"
    $("#text-field").hidden = image
    $("#url-field").hidden = !image
  })
  $("#send-form").addEventListener("submit", async (event) => {
    event.preventDefault()
    const status = $("#send-status")
    const to = $("#to").value.trim()
    if (to === "") {
      status.className = "status error"
      status.textContent = "Enter a phone number, such as +31612345678."
      $("#to").focus()
      return
    }
    const content = $("#kind").value === "image"
      ? { type: "image", url: $("#url").value.trim() }
      : { type: "text", text: $("#text").value }
    $("#send").disabled = true
    status.className = "status"
    status.textContent = "Sending…"
    try {
      const accepted = await api("/messages", { method: "POST", body: JSON.stringify({ to, content, route: $("#route").value }) })
      status.textContent = `Accepted as ${accepted.id}.`
      renderRow({ messageId: accepted.id, status: accepted.status, route: accepted.route, acceptedAt: new Date().toISOString() })
      await select(accepted.id, false)
    } catch (error) {
      status.className = "status error"
      status.textContent = `Not sent: ${error.message}`
    } finally {
      $("#send").disabled = false
    }
  })
}

document.addEventListener("DOMContentLoaded", () => {
  setup()
  connect()
  loadHealth().catch((error) => { $("#gateway-info").textContent = `Health check failed: ${error.message}` })
  loadMessages().catch(() => {})
})
