// demarche workbench: edit a scenario, run engines, watch the charts move.
// Plain JavaScript, no build step. Every number typed here goes back to the
// server, which validates it exactly as `demarche check` does.
"use strict";

const params = new URLSearchParams(location.search);
// The access token came once in the printed URL; the server also set it in an
// HttpOnly cookie, so take it out of the address bar (history, screenshots,
// shoulder-surfing) and let the cookie carry it from now on.
const token = params.get("token");
if (token) history.replaceState(null, "", location.pathname + location.hash);
const state = { scenario: null, label: "", previous: new Map(), job: null, runId: null, events: null, dirty: false };
const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers["Authorization"] = "Bearer " + token;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const type = res.headers.get("content-type") || "";
  const data = type.includes("json") ? await res.json() : await res.text();
  if (!res.ok) {
    const err = new Error((data && data.error) || res.statusText);
    err.diagnostics = data && data.diagnostics;
    err.status = res.status;
    throw err;
  }
  return data;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("data-") || k.startsWith("aria-")) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

// A number input bound to `obj[key]`; an empty box removes optional values.
function numberInput(obj, key, attrs, optional) {
  const input = el("input", Object.assign({ type: "number", step: "any", value: obj[key] ?? "" }, attrs));
  const original = input.value;
  input.addEventListener("input", () => {
    const text = input.value.trim();
    if (text === "" && optional) delete obj[key];
    else obj[key] = Number(text);
    input.classList.toggle("changed", input.value !== original);
    state.dirty = true;
    input.classList.toggle("bad", text !== "" && !Number.isFinite(Number(text)));
    scheduleValidate();
  });
  return input;
}

function redLineInputs(stance, who) {
  const box = { lo: stance.red_line ? stance.red_line[0] : "", hi: stance.red_line ? stance.red_line[1] : "" };
  const sync = () => {
    const lo = box.lo === "" || box.lo === undefined ? null : Number(box.lo);
    const hi = box.hi === "" || box.hi === undefined ? null : Number(box.hi);
    if (lo === null && hi === null) delete stance.red_line;
    else stance.red_line = [lo ?? hi, hi ?? lo];
  };
  const make = (k, label) => {
    const i = numberInput(box, k, { "data-field": "red_line_" + k, "data-actor": stance.actor, "data-issue": stance.issue, title: label, "aria-label": `${who}: red line, ${label}` }, true);
    i.addEventListener("input", sync);
    return i;
  };
  return el("span", {}, make("lo", "lowest acceptable"), " – ", make("hi", "highest acceptable"));
}

function render() {
  const sc = state.scenario;
  $("title").textContent = sc.meta.title || "Untitled scenario";
  $("source").textContent = state.label + (sc.meta.as_of ? " · as of " + sc.meta.as_of : "");
  const names = new Map(sc.actors.map((a) => [a.id, a.name]));
  const issues = new Map(sc.issues.map((i) => [i.id, i]));

  const actors = $("actors");
  actors.replaceChildren(el("tr", {}, el("th", {}, "Actor"), el("th", {}, "Kind"), el("th", {}, "Capability")));
  for (const a of sc.actors) {
    // Imports that name actors by codes (KTAB's "XJ") carry the name in the description.
    const who = el("td", {}, a.name, a.description ? el("span", { class: "unit" }, a.description) : "");
    actors.append(el("tr", {}, who, el("td", {}, a.kind || "state"),
      el("td", {}, numberInput(a, "capability", { "data-field": "capability", "data-actor": a.id, min: 0, "aria-label": `${a.name}: capability` }))));
  }

  // What the scenario is about and where its numbers come from, in view.
  const about = $("about");
  const description = (sc.meta.description || "").split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  const sources = sc.meta.sources || [];
  about.hidden = description.length === 0 && sources.length === 0;
  $("description").replaceChildren(...description.map((p) => el("p", {}, p)));
  $("sources").replaceChildren(...sources.map((src) => {
    const safe = /^https?:\/\//.test(src.url || "");
    const title = safe ? el("a", { href: src.url, target: "_blank", rel: "noopener noreferrer" }, src.title) : src.title;
    const meta = [src.publisher, src.date].filter(Boolean).join(", ");
    return el("li", { id: "source-" + src.id }, title, meta ? ` — ${meta}` : "");
  }));

  // Stances grouped by issue, each table under its scale's meaning.
  const box = $("stances");
  box.replaceChildren();
  for (const iss of sc.issues) {
    const on = sc.stances.filter((s) => s.issue === iss.id);
    if (on.length === 0) continue;
    const unit = iss.unit ? ` ${iss.unit}` : "";
    const sq = iss.status_quo === undefined || iss.status_quo === null ? "" : `; status quo ${iss.status_quo}`;
    const scale = `${iss.min} = ${iss.low}; ${iss.max} = ${iss.high}`;
    const group = el("details", { class: "issue-group", open: true },
      el("summary", {}, el("strong", {}, iss.name), ` (${on.length})`),
      el("p", { class: "scale" }, `${iss.min}${unit}: ${iss.low} … ${iss.max}${unit}: ${iss.high}${sq}`));
    const table = el("table", { class: "stances" });
    table.append(el("tr", {}, el("th", {}, "Actor"), el("th", {}, "Position"), el("th", {}, "Salience"),
      el("th", {}, "Red line"), el("th", {}, "Note")));
    for (const s of on) {
      const who = `${names.get(s.actor) || s.actor} on ${iss.name}`;
      const note = s.note ? el("details", { class: "stance-note" }, el("summary", {}, "note"), el("p", {}, s.note,
        (s.sources || []).length ? ` [${s.sources.join(", ")}]` : "")) : "";
      table.append(el("tr", {},
        el("td", {}, names.get(s.actor) || s.actor),
        el("td", {}, numberInput(s, "position", { "data-field": "position", "data-actor": s.actor, "data-issue": s.issue, "aria-label": `${who}: position (${scale})` })),
        el("td", {}, numberInput(s, "salience", { "data-field": "salience", "data-actor": s.actor, "data-issue": s.issue, min: 0, max: 1, "aria-label": `${who}: salience, 0 to 1` })),
        el("td", {}, redLineInputs(s, who)),
        el("td", {}, note)));
    }
    group.append(table);
    box.append(group);
  }

  const rels = sc.relations || [];
  $("relations-block").hidden = rels.length === 0;
  const relations = $("relations");
  relations.replaceChildren(el("tr", {}, el("th", {}, "Relation"), el("th", {}, "From"), el("th", {}, "To"), el("th", {}, "Weight")));
  for (const r of rels) {
    relations.append(el("tr", {}, el("td", {}, r.kind.replace("_", " ")), el("td", {}, names.get(r.from) || r.from),
      el("td", {}, names.get(r.to) || r.to),
      el("td", {}, numberInput(r, "weight", { "data-field": "weight", "data-kind": r.kind, "data-from": r.from, "data-to": r.to, min: 0, max: 1,
        "aria-label": `${r.kind.replace("_", " ")} relation, ${names.get(r.from) || r.from} to ${names.get(r.to) || r.to}: weight, 0 to 1` }, true))));
  }
}

function showDiagnostics(list) {
  const box = $("diagnostics");
  box.replaceChildren();
  for (const d of list || []) {
    const where = [d.path, d.location ? `line ${d.location.line}` : ""].filter(Boolean).join(", ");
    box.append(el("div", { class: "diag " + d.severity }, `${d.severity}: ${d.message}` + (where ? ` (${where})` : "") + (d.hint ? ` — ${d.hint}` : "")));
  }
}

// The input a diagnostic's path names (`stances[3].salience`, `actors[0].capability`,
// `relations[2].weight`), so its error can be shown at the cell.
function inputFor(path) {
  const m = /^(actors|stances|relations)\[(\d+)\]\.(\w+)/.exec(path || "");
  if (!m || !state.scenario) return null;
  const item = (state.scenario[m[1]] || [])[Number(m[2])];
  if (!item) return null;
  const esc = (v) => CSS.escape(String(v));
  if (m[1] === "actors") return document.querySelector(`#actors input[data-field="${esc(m[3])}"][data-actor="${esc(item.id)}"]`);
  if (m[1] === "relations") {
    return document.querySelector(`#relations input[data-field=weight][data-kind="${esc(item.kind)}"][data-from="${esc(item.from)}"][data-to="${esc(item.to)}"]`);
  }
  const field = m[3] === "red_line" ? "red_line_lo" : m[3];
  return document.querySelector(`#stances input[data-field="${esc(field)}"][data-actor="${esc(item.actor)}"][data-issue="${esc(item.issue)}"]`);
}

// Errors beside the cells they are about (marked, announced), the rest in the list above.
function markCells(list) {
  for (const old of document.querySelectorAll(".cell-error")) old.remove();
  for (const i of document.querySelectorAll("input[aria-invalid=true]")) {
    i.removeAttribute("aria-invalid");
    i.classList.remove("invalid");
  }
  let first = null;
  for (const d of list || []) {
    if (d.severity !== "error") continue;
    const input = inputFor(d.path);
    if (!input) continue;
    input.setAttribute("aria-invalid", "true");
    input.classList.add("invalid");
    const group = input.closest("details");
    if (group) group.open = true;
    const note = el("span", { class: "cell-error", role: "alert" }, d.message + (d.hint ? ` — ${d.hint}` : ""));
    note.id = "err-" + Math.random().toString(36).slice(2);
    input.setAttribute("aria-describedby", note.id);
    input.closest("td").append(note);
    first = first || input;
  }
  return first;
}

// Whether the scenario on screen can run, said once: the buttons and the status agree.
function setRunnable(ok) {
  $("run").disabled = !ok;
  $("simulate").disabled = !ok;
  if (!ok) setStatus("The scenario has errors: fix the marked values to run.", true);
  else if ($("status").className === "error" && /has errors/.test($("status").textContent)) setStatus("Ready. Edit any number, then run.");
}

let validateTimer = null;
function scheduleValidate() {
  clearTimeout(validateTimer);
  validateTimer = setTimeout(async () => {
    try {
      const r = await api("POST", "/api/scenario/validate", { scenario: state.scenario });
      showDiagnostics(r.diagnostics);
      const bad = markCells(r.diagnostics);
      setRunnable(r.ok);
      // Someone typing keeps the focus (the error is beside the cell); otherwise go to the first marked cell.
      if (bad && document.activeElement?.tagName !== "INPUT") bad.focus();
    } catch (e) {
      setStatus(e.message, true);
    }
  }, 250);
}

// A number with the precision its scale supports (about three significant
// digits of the range), as the reports print it.
function atScale(x, range) {
  if (!Number.isFinite(x)) return "—";
  const decimals = range > 0 ? Math.min(6, Math.max(0, 3 - Math.ceil(Math.log10(range)))) : 2;
  const s = x.toFixed(decimals);
  return (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s).replace(/^-0$/, "0");
}

function showResult(result) {
  const outcomes = $("outcomes");
  outcomes.replaceChildren(el("tr", {}, el("th", {}, "Issue"), el("th", {}, "Model"), el("th", {}, "Forecast"), el("th", {}, "Reading"), el("th", {}, "Change")));
  for (const o of result.outcomes) {
    const key = o.engine + "/" + o.issue;
    const before = state.previous.get(key);
    const delta = before === undefined ? "" : (o.outcome - before >= 0 ? "+" : "") + (o.outcome - before).toFixed(2);
    const iss = (state.scenario?.issues || []).find((i) => i.id === o.issue);
    const range = iss ? iss.max - iss.min : 100;
    outcomes.append(el("tr", { "data-engine": o.engine, "data-issue": o.issue },
      el("td", {}, o.issue_name || o.issue, iss?.unit ? el("span", { class: "unit" }, iss.unit) : ""), el("td", {}, o.engine),
      el("td", { class: "num outcome", "data-value": String(o.outcome) }, atScale(o.outcome, range)),
      el("td", {}, o.reading || ""), el("td", { class: "num moved" }, delta)));
    state.previous.set(key, o.outcome);
  }
  const charts = $("charts");
  charts.replaceChildren();
  // A simulation's answer in words first: can the talks succeed, and why.
  if (result.outlook) {
    const box = el("section", { id: "outlook" }, el("h3", {}, "Can the talks succeed?"), el("p", {}, result.outlook.headline));
    for (const part of result.outlook.parts) {
      box.append(el("h4", {}, part.question));
      const list = el("ul", {});
      for (const item of part.items) list.append(el("li", {}, item));
      box.append(list);
    }
    charts.append(box);
  }
  let heading = null;
  let grid = charts;
  for (const c of result.charts) {
    if (c.heading !== heading) {
      heading = c.heading;
      charts.append(el("h3", {}, heading));
      // Each section's charts in a grid: small multiples sit side by side when there is room.
      grid = el("div", { class: "chart-grid" });
      charts.append(grid);
    }
    const fig = el("figure", { id: "chart-" + c.id });
    // The SVG is written by the server's chart code, which escapes all scenario text.
    fig.innerHTML = c.svg;
    fig.append(el("figcaption", {}, c.caption), toggles(fig), downloads(fig, c.id));
    grid.append(fig);
  }
  // Tables the report draws beside its charts (the exchange model's trades).
  for (const t of result.tables || []) {
    const box = el("section", { id: "table-" + t.section, class: "result-table" }, el("h3", {}, t.heading), el("p", { class: "note" }, t.intro));
    const body = el("div", { class: "table-scroll" });
    // The table is written by the server's report code, which escapes all scenario text.
    body.innerHTML = t.html;
    box.append(body);
    charts.append(box);
  }
  // Only small multiples go two to a row; wide charts keep the full width, their text legible.
  for (const g of charts.querySelectorAll(".chart-grid")) {
    const widths = [...g.querySelectorAll("figure > svg")].map((svg) => Number(svg.getAttribute("width")) || 0);
    if (widths.length > 1 && widths.every((w) => w > 0 && w <= 480)) g.classList.add("small");
  }
  showDiagnostics(result.warnings);
  state.runId = result.run_id;
  const link = $("report");
  link.hidden = !result.run_id;
  if (result.run_id) link.href = `/api/runs/${result.run_id}/report`;
}

// A chart drawn with named series (an actor's line and points) gets a button
// per series that shows or hides it, as KTAB's GUI lets one toggle actors;
// hovering a line names the actor and where it went.
function toggles(fig) {
  const groups = [...fig.querySelectorAll("svg g[data-series]")];
  const names = [...new Set(groups.map((g) => g.dataset.series))];
  if (names.length < 2) return "";
  const box = el("div", { class: "toggles", role: "group", "aria-label": "Show or hide actors" });
  const only = el("button", { type: "button", class: "toggle-all" }, "Hide all");
  const set = (name, on) => {
    for (const g of groups) if (g.dataset.series === name) g.style.display = on ? "" : "none";
    const b = box.querySelector(`button[data-series="${CSS.escape(name)}"]`);
    if (b) b.setAttribute("aria-pressed", String(on));
  };
  for (const name of names) {
    const b = el("button", { type: "button", "data-series": name, "aria-pressed": "true" }, name);
    b.addEventListener("click", () => set(name, b.getAttribute("aria-pressed") !== "true"));
    box.append(b);
  }
  only.addEventListener("click", () => {
    const show = only.textContent === "Show all";
    for (const name of names) set(name, show);
    only.textContent = show ? "Hide all" : "Show all";
  });
  box.prepend(only);
  return box;
}

// Buttons that save a chart as SVG (as drawn) or PNG (twice its size).
function downloads(fig, id) {
  const save = (blob, ext) => {
    const a = el("a", { href: URL.createObjectURL(blob), download: `${id}.${ext}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  const svgBlob = () => new Blob([fig.querySelector("svg").outerHTML], { type: "image/svg+xml" });
  const svgButton = el("button", { type: "button", "aria-label": `Download chart ${id} as SVG` }, "SVG");
  svgButton.addEventListener("click", () => save(svgBlob(), "svg"));
  const pngButton = el("button", { type: "button", "aria-label": `Download chart ${id} as PNG` }, "PNG");
  pngButton.addEventListener("click", () => {
    const svg = fig.querySelector("svg");
    const [w, h] = [svg.viewBox.baseVal.width || 760, svg.viewBox.baseVal.height || 400];
    const img = new Image();
    const url = URL.createObjectURL(svgBlob());
    img.onload = () => {
      const canvas = el("canvas", { width: 2 * w, height: 2 * h });
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      canvas.toBlob((b) => b && save(b, "png"), "image/png");
    };
    img.src = url;
  });
  return el("div", { class: "downloads" }, svgButton, pngButton);
}

// "12 s left (estimate)" once a few seconds of progress give a rate to go by.
function remaining(started, done, total) {
  const elapsed = (performance.now() - started) / 1000;
  if (!total || !done || elapsed < 1.5 || done >= total) return "";
  const left = (elapsed * (total - done)) / done;
  return left < 1 ? "" : `, about ${left < 60 ? Math.round(left) + " s" : Math.round(left / 60) + " min"} left (estimate)`;
}

// Start a job (a forecast or the channel simulation), follow its progress,
// and show its result.
async function runJob(path, body) {
  $("run").disabled = true;
  $("simulate").disabled = true;
  $("cancel").hidden = false;
  setStatus("Running…");
  try {
    const started = await api("POST", path, body);
    const since = performance.now();
    state.job = started.id;
    for (;;) {
      await new Promise((r) => setTimeout(r, 120));
      const j = await api("GET", `/api/jobs/${started.id}`);
      if (j.state === "queued") {
        setStatus("Waiting for a free worker (other runs are in progress)…");
        continue;
      }
      if (j.state === "running") {
        const p = j.progress;
        const left = remaining(since, p.round, p.total);
        setStatus(p.label === "simulation"
          ? `Simulating — ${p.round}${p.total ? ` of ${p.total}` : ""} runs done${left}`
          : p.total
            ? `Running ${p.label || ""} — ${p.round} of ${p.total} draws done${left}`
            : `Running ${p.label || ""} — issue ${p.issue + 1}${p.issues ? ` of ${p.issues}` : ""}, round ${p.round}`);
        continue;
      }
      if (j.state === "done") {
        showResult(j.result);
        setStatus(`Done${j.result.run_id ? ` — stored as run ${j.result.run_id}` : ""}.`);
      } else if (j.state === "cancelled") {
        setStatus("Cancelled.");
      } else if (j.state === "expired") {
        setStatus(j.note, true);
      } else {
        showDiagnostics(j.diagnostics);
        setStatus(j.error, true);
      }
      break;
    }
  } catch (e) {
    showDiagnostics(e.diagnostics);
    setStatus(e.message, true);
  } finally {
    state.job = null;
    $("run").disabled = false;
    $("simulate").disabled = false;
    $("cancel").hidden = true;
  }
}

function run() {
  const body = { scenario: state.scenario, models: $("model").value };
  const draws = Math.round(Number($("draws").value));
  if (draws > 0) body.runs = Math.min(draws, 2000);
  return runJob("/api/jobs", body);
}
const simulate = () => runJob("/api/simulate", { scenario: state.scenario, runs: 500 });

// Edits are never thrown away without asking.
function mayDiscard() {
  return !state.dirty || confirm("Discard the edits you made to this scenario? (Save as TOML keeps them.)");
}
window.addEventListener("beforeunload", (e) => {
  if (state.dirty) {
    e.preventDefault();
    e.returnValue = "";
  }
});

async function loadSeed() {
  const r = await api("GET", "/api/scenario/seed");
  state.scenario = r.scenario;
  state.label = r.label;
  state.original = r.text || null;
  state.previous.clear();
  state.dirty = false;
  render();
  showDiagnostics([]);
  markCells([]);
}

async function openFile(file) {
  const text = await file.text();
  try {
    const r = await api("POST", "/api/scenario/validate", { text, name: file.name });
    showDiagnostics(r.diagnostics);
    if (!r.ok) {
      setStatus(`${file.name} has errors; fix them and open it again.`, true);
      return;
    }
    state.scenario = r.scenario;
    state.label = file.name;
    state.original = /\.toml$/i.test(file.name) ? text : null;
    state.previous.clear();
    state.dirty = false;
    render();
    setStatus(`Opened ${file.name}.`);
  } catch (e) {
    setStatus(e.message, true);
  }
}

async function save() {
  try {
    const headers = { "Content-Type": "application/json" };
    if (token) headers["Authorization"] = "Bearer " + token;
    // The file it came from goes along, so its comments and layout are kept.
    const body = { scenario: state.scenario, original: state.original || undefined, name: state.label };
    const res = await fetch("/api/scenario/toml", { method: "POST", headers, body: JSON.stringify(body) });
    if (!res.ok) {
      const data = await res.json().catch(() => ({}));
      const err = new Error(data.error || res.statusText);
      err.diagnostics = data.diagnostics;
      throw err;
    }
    const toml = await res.text();
    const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") || "")?.[1] || "scenario.toml";
    const url = URL.createObjectURL(new Blob([toml], { type: "application/toml" }));
    const a = el("a", { href: url, download: name });
    document.body.append(a);
    a.click();
    state.dirty = false;
    a.remove();
    URL.revokeObjectURL(url);
    setStatus(res.headers.get("x-demarche-save") === "kept"
      ? `Saved as ${name}, with the file's comments and layout.`
      : `Saved as ${name} (written afresh: the edits went beyond values, or the file was not TOML).`);
  } catch (e) {
    showDiagnostics(e.diagnostics);
    setStatus(e.message, true);
  }
}

// Events: review a file against the scenario, then apply what the analyst accepts.
function setEventsStatus(text, isError) {
  $("events-status").textContent = text;
  $("events-status").className = isError ? "error" : "";
}

function showEvents(r) {
  const box = $("events");
  box.replaceChildren(el("p", {}, `${r.how}. ${r.summary}`));
  const apply = $("apply-suggestions");
  apply.hidden = r.suggestions.length === 0;
  apply.disabled = true;
  if (r.suggestions.length === 0) {
    box.append(el("p", { class: "note" }, "No scenario updates suggested: the events met no rule's threshold (docs/events.md)."));
  } else {
    box.append(el("h3", {}, "Suggested updates"));
    const list = el("ol", { id: "suggestions" });
    for (const s of r.suggestions) {
      const tick = el("input", { type: "checkbox", disabled: !s.applicable, "data-number": String(s.number) });
      tick.addEventListener("change", () => {
        apply.disabled = !document.querySelector("#suggestions input:checked");
      });
      const now = s.current === null || s.current === undefined ? "–" : Number(s.current).toFixed(2);
      const to = s.suggested === null || s.suggested === undefined ? "–" : Number(s.suggested).toFixed(2);
      const head = el("label", {}, tick, " ", el("strong", {}, s.target), ` (${s.kind.replace("_", " ")}): ${now} → ${to}`);
      const item = el("li", { "data-target": s.target }, head, el("p", {}, s.reason + (s.applicable ? "" : " (needs more before it can apply)")));
      if (s.events.length) {
        const evs = el("ul", { class: "note" });
        for (const e of s.events.slice(0, 12)) {
          evs.append(el("li", {}, `${e.date} ${e.event} — ${e.text}` + (e.source ? ` (${e.source})` : "")));
        }
        if (s.events.length > 12) evs.append(el("li", {}, `… and ${s.events.length - 12} more`));
        item.append(el("details", {}, el("summary", {}, `${s.events.length} event${s.events.length === 1 ? "" : "s"} behind it`), evs));
      }
      list.append(item);
    }
    box.append(list);
  }
  if (r.charts.length) box.append(el("h3", {}, "Events per dyad and week"));
  const grid = el("div", { class: "chart-grid" });
  for (const c of r.charts) {
    const fig = el("figure", { id: "chart-" + c.id });
    // The SVG is written by the server's chart code, which escapes all text.
    fig.innerHTML = c.svg;
    fig.append(el("figcaption", {}, c.caption));
    grid.append(fig);
  }
  box.append(grid);
}

async function openEvents(file) {
  setEventsStatus(`Reading ${file.name}…`);
  try {
    state.events = { text: await file.text(), name: file.name };
    const r = await api("POST", "/api/events", { scenario: state.scenario, events: state.events.text, events_name: file.name });
    showEvents(r);
    setEventsStatus(`${r.suggestions.length} suggestion${r.suggestions.length === 1 ? "" : "s"}${r.run_id ? ` — stored as run ${r.run_id}` : ""}.`);
  } catch (e) {
    setEventsStatus(e.message, true);
  }
}

async function applySuggestions() {
  const accept = [...document.querySelectorAll("#suggestions input:checked")].map((b) => Number(b.dataset.number));
  if (!accept.length || !state.events) return;
  try {
    const r = await api("POST", "/api/events/apply", { scenario: state.scenario, events: state.events.text, events_name: state.events.name, accept });
    state.scenario = r.scenario;
    state.dirty = true;
    render();
    scheduleValidate();
    $("apply-suggestions").disabled = true;
    for (const b of document.querySelectorAll("#suggestions input:checked")) {
      b.checked = false;
      b.disabled = true;
      b.closest("li").classList.add("applied");
    }
    setEventsStatus(`Applied suggestion${accept.length === 1 ? "" : "s"} ${accept.join(", ")}. Run the forecast or the simulation to see the consequence; "Save as TOML" keeps it.`);
  } catch (e) {
    setEventsStatus(e.message, true);
  }
}

async function init() {
  const m = await api("GET", "/api/models");
  const select = $("model");
  select.append(el("option", { value: "all" }, "all models"));
  for (const name of m.models) select.append(el("option", { value: name }, name));
  $("simulate").hidden = !m.simulate;
  $("run").addEventListener("click", run);
  $("cancel").addEventListener("click", () => state.job && api("DELETE", `/api/jobs/${state.job}`).catch(() => {}));
  $("reset").addEventListener("click", () => mayDiscard() && loadSeed().catch((e) => setStatus(e.message, true)));
  $("save").addEventListener("click", save);
  $("simulate").addEventListener("click", simulate);
  $("file").addEventListener("change", (e) => {
    const f = e.target.files[0];
    e.target.value = "";
    if (f && mayDiscard()) openFile(f);
  });
  $("events-file").addEventListener("change", (e) => e.target.files[0] && openEvents(e.target.files[0]));
  $("apply-suggestions").addEventListener("click", applySuggestions);
  // The file pickers are labels: reachable and operable by keyboard like buttons.
  for (const label of document.querySelectorAll("label.button")) {
    label.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        label.querySelector("input[type=file]").click();
      }
    });
  }
  // Enter in a number runs the forecast, once the scenario checks.
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target.matches?.("main input[type=number]") && !$("run").disabled && !state.job) {
      e.preventDefault();
      run();
    }
  });
  await loadSeed();
  setStatus("Ready. Edit any number, then run.");
  document.body.dataset.ready = "true";
}

init().catch((e) => setStatus(e.message, true));
