// The workbench page in headless Chromium: load, edit, run, see the forecast move.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { axeViolations, inkShare, openBrowser, required } from "./browser.mjs";

const base = required("DEMARCHE_URL");
// The per-launch access token `demarche serve` printed in its URL.
const token = required("DEMARCHE_TOKEN");
const artifacts = process.env.DEMARCHE_ARTIFACTS;
let browser;
let page;

before(async () => {
  browser = await openBrowser();
  page = await browser.context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(base + "/?token=" + token);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
});

test("the page cleans the token from its URL and works on from its cookie", async () => {
  assert.equal(new URL(page.url()).search, "", "the token stayed in the address bar");
  const health = await page.evaluate(async () => (await fetch("/api/health")).status);
  assert.equal(health, 200, "the page's own requests are not authorised by the cookie");
});

after(async () => {
  await browser?.close();
});

async function outcome(engine) {
  const cell = page.locator(`#outcomes tr[data-engine="${engine}"] td.outcome`).first();
  return Number(await cell.getAttribute("data-value"));
}

async function runAndWait(button = "#run") {
  const before = await page.locator("#status").textContent();
  await page.click(button);
  await page.waitForFunction(
    (b) => {
      const s = document.getElementById("status").textContent;
      return s !== b && (s.startsWith("Done") || document.getElementById("status").className === "error");
    },
    before,
    { timeout: 240_000 },
  );
  const status = await page.locator("#status").textContent();
  assert.match(status, /^Done/, `run failed: ${status}`);
}

test("the page opens with the built-in scenario in editable tables", async () => {
  assert.notEqual(await page.locator("#title").textContent(), "Loading…");
  assert.ok((await page.locator("#actors input[data-field=capability]").count()) >= 2);
  assert.ok((await page.locator("#stances input[data-field=position]").count()) >= 2);
  assert.ok((await page.locator("#model option").count()) >= 2);
});

test("editing a position and running moves the displayed forecast, and the charts render", async () => {
  await page.selectOption("#model", "compromise");
  await runAndWait();
  const first = await outcome("compromise");
  assert.ok(Number.isFinite(first));
  assert.ok((await page.locator("#charts figure svg").count()) >= 1, "no chart rendered");
  const box = await page.locator("#charts figure svg").first().boundingBox();
  assert.ok(box && box.width > 200 && box.height > 100, "chart has no size");

  // Move the weightiest stance on the first forecast issue as far as its own red line allows.
  const issue = await page.locator('#outcomes tr[data-engine="compromise"]').first().getAttribute("data-issue");
  const seed = await (await fetch(base + "/api/scenario/seed", { headers: { Authorization: "Bearer " + token } })).json();
  const sc = seed.scenario;
  const iss = sc.issues.find((i) => i.id === issue);
  const weight = (s) => s.salience * sc.actors.find((a) => a.id === s.actor).capability;
  const stance = sc.stances.filter((s) => s.issue === issue).sort((a, b) => weight(b) - weight(a))[0];
  const [lo, hi] = stance.red_line ? [Math.min(...stance.red_line), Math.max(...stance.red_line)] : [iss.min, iss.max];
  const target = Math.abs(stance.position - hi) > Math.abs(stance.position - lo) ? hi : lo;
  assert.notEqual(target, stance.position);
  const input = page.locator(`#stances input[data-field=position][data-actor="${stance.actor}"][data-issue="${issue}"]`);
  await input.fill(String(target));
  await page.waitForTimeout(400); // validation is debounced
  await runAndWait();
  const second = await outcome("compromise");
  assert.notEqual(second, first, `forecast did not move (${first} -> ${second})`);
  assert.match(await page.locator('#outcomes tr[data-engine="compromise"] td.moved').first().textContent(), /^[+-]/);
  if (artifacts) await page.screenshot({ path: join(artifacts, "workbench.png"), fullPage: true });
});

test("a relation weight (an actor's influence) can be edited and saved as TOML", async () => {
  const weights = page.locator("#relations input[data-field=weight]");
  const n = await weights.count();
  let edited = null;
  if (n > 0) {
    const israel = page.locator('#relations input[data-field=weight][data-from*="israel"]');
    const input = (await israel.count()) > 0 ? israel.first() : weights.first();
    const old = Number(await input.inputValue());
    edited = old >= 0.5 ? 0.15 : 0.85;
    await input.fill(String(edited));
    await page.waitForTimeout(400);
    await runAndWait();
  }
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save")]);
  const path = await download.path();
  const toml = await readFile(path, "utf8");
  assert.match(toml, /\[\[actors\]\]/);
  if (edited !== null) assert.ok(toml.includes(`weight = ${edited}`), "the saved TOML has the edited weight");
  // Saved into the file it came from: its name, its comments, its layout.
  assert.equal(download.suggestedFilename(), "iran-us-nuclear.toml");
  const original = await readFile(new URL("../../scenarios/iran-us-nuclear.toml", import.meta.url), "utf8");
  assert.equal(toml.split("\n")[0], original.split("\n")[0], "the file's first comment is gone");
  assert.ok(toml.includes("# Conventions used throughout this file"), "the file's comments are gone");
  assert.equal(toml.split("\n").length, original.split("\n").length, "the layout changed (line count)");
  assert.match(await page.locator("#status").textContent(), /with the file's comments/);
  if (artifacts) await writeFile(join(artifacts, "saved-scenario.toml"), toml);
});

test("an invalid number shows the scenario diagnostics and blocks the run", async () => {
  const salience = page.locator("#stances input[data-field=salience]").last();
  const old = await salience.inputValue();
  await salience.fill("7");
  await page.waitForSelector("#diagnostics .diag.error", { timeout: 10_000 });
  const messages = await page.locator("#diagnostics .diag.error").allTextContents();
  assert.ok(messages.some((m) => /salience/.test(m)), messages.join("\n"));
  assert.equal(await page.locator("#run").isDisabled(), true);
  // The error is at the cell: marked, announced beside it, and the status and both buttons agree.
  await page.waitForFunction(() => document.querySelector("#stances input[aria-invalid=true]"), null, { timeout: 10_000 });
  assert.equal(await salience.getAttribute("aria-invalid"), "true");
  const beside = salience.locator("xpath=ancestor::td//span[contains(@class,'cell-error')]");
  assert.match(await beside.textContent(), /salience/);
  assert.equal(await beside.getAttribute("role"), "alert");
  assert.equal(await page.locator("#simulate").isDisabled(), true, "Simulate stays enabled on a bad scenario");
  assert.match(await page.locator("#status").textContent(), /errors/);
  await salience.fill(old);
  await page.waitForFunction(() => !document.getElementById("run").disabled, null, { timeout: 10_000 });
  assert.equal(await page.locator(".cell-error").count(), 0, "the error stayed after the fix");
  assert.equal(await salience.getAttribute("aria-invalid"), null);
  assert.equal(await page.locator("#simulate").isDisabled(), false);
});

test("edits are not thrown away without asking", async () => {
  // Edits have been made by the tests above: "Built-in scenario" asks first.
  const cap = page.locator("#actors input[data-field=capability]").first();
  await cap.fill("41");
  let asked = null;
  page.once("dialog", (d) => { asked = d.message(); d.dismiss(); });
  await page.click("#reset");
  await page.waitForTimeout(200);
  assert.match(asked || "", /Discard the edits/);
  assert.equal(await cap.inputValue(), "41", "the edits were thrown away although the user said no");
  page.once("dialog", (d) => d.accept());
  await page.click("#reset");
  await page.waitForFunction(() => document.querySelector("#actors input[data-field=capability]").value !== "41", null, { timeout: 10_000 });
  // A clean scenario resets without asking.
  let again = false;
  page.once("dialog", (d) => { again = true; d.dismiss(); });
  await page.click("#reset");
  await page.waitForTimeout(200);
  assert.equal(again, false, "asked although nothing was edited");
  page.removeAllListeners("dialog");
});

test("at 390 px the page never scrolls sideways", async () => {
  const narrow = await browser.context.newPage();
  try {
    await narrow.setViewportSize({ width: 390, height: 900 });
    await narrow.goto(base + "/");
    await narrow.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
    const width = await narrow.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide at 390 px`);
    if (artifacts) await narrow.screenshot({ path: join(artifacts, "workbench-390.png"), fullPage: true });
  } finally {
    await narrow.close();
  }
});

test("the exchange model's trades are listed in words, and the page still never scrolls sideways", async () => {
  await page.selectOption("#model", "exchange");
  await runAndWait();
  const table = page.locator("#table-exchanges table");
  await table.waitFor({ timeout: 30_000 });
  assert.ok((await table.locator("tr").count()) > 1, "no exchange listed");
  assert.match(await table.locator("tr").nth(1).textContent(), /→/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= await page.evaluate(() => window.innerWidth), `the page scrolls sideways (${width} px)`);
  if (artifacts) await page.locator("#table-exchanges").screenshot({ path: join(artifacts, "workbench-exchanges.png") });
  await page.selectOption("#model", "compromise");
  await runAndWait();
});

test("the charts of a run are drawn as pixels, not a blank page", async () => {
  const shot = await page.locator("#charts").screenshot();
  const ink = await inkShare(browser.context, shot);
  assert.ok(ink > 0.01, `charts area is blank (ink ${ink})`);
});

test("with draws, the forecast comes with its uncertainty bands", async () => {
  await page.selectOption("#model", "compromise");
  await page.fill("#draws", "20");
  await runAndWait();
  const headings = await page.locator("#charts h3").allTextContents();
  assert.ok(headings.includes("How sure the forecasts are"), headings.join(", "));
  const ids = await page.locator("#charts figure").evaluateAll((fs) => fs.map((f) => f.id));
  assert.ok(ids.some((id) => id.includes("forecasts-under-uncertainty")), ids.join(", "));
  await page.fill("#draws", "0");
});

test("the channel simulation runs from the page and draws the mediated-vs-direct charts", async () => {
  await runAndWait("#simulate");
  const ids = await page.locator("#charts figure").evaluateAll((fs) => fs.map((f) => f.id));
  assert.ok(ids.some((id) => id.startsWith("chart-intervals-chance-of-a-deal")), ids.join(", "));
  assert.ok((await page.locator('#outcomes tr[data-engine="mediated"]').count()) === 1);
  // The answer in words comes first.
  const outlook = await page.locator("#outlook").textContent();
  assert.ok(outlook.includes("Can the talks succeed?") && outlook.includes("zone of agreement"), outlook);
  // The confrontation indicator leads; the expected-utility classification keeps its own name.
  assert.ok(ids.some((id) => id.includes("confrontation-indicator")), ids.join(", "));
  if (artifacts) await page.screenshot({ path: join(artifacts, "simulation.png"), fullPage: true });
});

test("an events file is reviewed against the scenario, and an accepted suggestion changes it", async () => {
  const headlines = fileURLToPath(new URL("../../docs/events/june-2025-headlines.jsonl", import.meta.url));
  await page.setInputFiles("#events-file", headlines);
  await page.waitForFunction(() => /suggestion|error/.test(document.getElementById("events-status").textContent) ||
    document.getElementById("events-status").className === "error", null, { timeout: 30_000 });
  assert.notEqual(await page.locator("#events-status").getAttribute("class"), "error",
    await page.locator("#events-status").textContent());
  // A timeline per dyad, drawn.
  const charts = await page.locator("#events figure").evaluateAll((fs) => fs.map((f) => f.id));
  assert.ok(charts.some((id) => id === "chart-timeline-iran-gov-us-admin"), charts.join(", "));
  const ink = await inkShare(browser.context, await page.locator("#events figure").first().screenshot());
  assert.ok(ink > 0.01, `timeline is blank (ink ${ink})`);
  // The suggestion lists its events; applying it changes the relation's weight.
  const item = page.locator('#suggestions li[data-target="us_admin->iran_gov hostile"]');
  assert.equal(await item.count(), 1, await page.locator("#events").textContent());
  assert.match(await item.locator("details").textContent(), /struck Fordow/);
  const weight = page.locator('#relations input[data-field=weight][data-kind=hostile][data-from=us_admin][data-to=iran_gov]');
  const before = await weight.inputValue();
  assert.equal(await page.locator("#apply-suggestions").isDisabled(), true, "nothing accepted, yet apply is enabled");
  await item.locator("input[type=checkbox]").check();
  await page.click("#apply-suggestions");
  await page.waitForFunction(() => document.getElementById("events-status").textContent.startsWith("Applied") ||
    document.getElementById("events-status").className === "error", null, { timeout: 30_000 });
  assert.match(await page.locator("#events-status").textContent(), /^Applied suggestion 1\./);
  const after = await weight.inputValue();
  assert.notEqual(after, before);
  assert.equal(Number(after), 0.66);
  if (artifacts) await page.screenshot({ path: join(artifacts, "events.png"), fullPage: true });
});


test("the scenario explains itself: description, sources, and stances grouped under their issue's scale", async () => {
  assert.equal(await page.locator("#about").isVisible(), true);
  await page.click("#about > summary");
  assert.ok((await page.locator("#description p").count()) >= 2, "the description keeps its paragraphs");
  assert.ok((await page.locator("#sources li a[href^='https://']").count()) >= 10, "sources with links");
  await page.click("#about > summary");
  const groups = await page.locator("#stances details.issue-group").count();
  const issues = await page.evaluate(async () => (await (await fetch("/api/seed")).json()).issues?.length ?? 0).catch(() => 0);
  assert.ok(groups >= 6, `${groups} issue groups`);
  if (issues) assert.ok(groups <= issues);
  assert.match(await page.locator("#stances .issue-group .scale").first().textContent(), /…/);
  assert.ok((await page.locator("#stances .stance-note").count()) > 10, "stance notes are one click away");
});

test("the run bar stays on screen, Enter runs, actors toggle on a chart, and a chart downloads as SVG and PNG", async () => {
  await page.setViewportSize({ width: 1000, height: 800 });
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const bar = await page.locator("#run-bar").boundingBox();
  assert.ok(bar && bar.y >= -1 && bar.y < 800, `run bar at ${bar?.y}`);
  await page.selectOption("#model", "all");
  const input = page.locator("#stances input[data-field=position]").first();
  await input.focus();
  const before = await page.locator("#status").textContent();
  await page.keyboard.press("Enter");
  await page.waitForFunction((b) => document.getElementById("status").textContent.startsWith("Done") &&
    document.getElementById("status").textContent !== b, before, { timeout: 240_000 });
  // A positions chart's actors can be hidden and shown again.
  const moving = page.locator("#charts figure:has(svg g[data-series])").first();
  const toggle = moving.locator(".toggles button[data-series]").first();
  const series = await toggle.getAttribute("data-series");
  const group = moving.locator(`svg g[data-series="${series}"]`).first();
  assert.equal(await group.isVisible(), true);
  await toggle.click();
  assert.equal(await toggle.getAttribute("aria-pressed"), "false");
  assert.equal(await group.isVisible(), false, "the actor's line is hidden");
  await toggle.click();
  assert.equal(await group.isVisible(), true, "and shown again");
  const fig = page.locator("#charts figure").first();
  for (const ext of ["svg", "png"]) {
    const [download] = await Promise.all([page.waitForEvent("download"), fig.locator(`.downloads button:text-is("${ext.toUpperCase()}")`).click()]);
    assert.ok(download.suggestedFilename().endsWith("." + ext), download.suggestedFilename());
    const bytes = await readFile(await download.path());
    assert.ok(bytes.length > 500, `${ext} of ${bytes.length} bytes`);
    if (ext === "png") assert.equal(bytes.subarray(1, 4).toString(), "PNG");
    else assert.match(bytes.toString(), /^<svg/);
  }
  await page.setViewportSize({ width: 1400, height: 1000 });
});

test("the workbench has no critical or serious accessibility violation (axe-core)", async () => {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], violations.join("\n"));
});
