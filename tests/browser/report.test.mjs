// A generated report opened in headless Chromium: charts present, nothing
// fetched from the network, and a screenshot that is not blank.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { axeViolations, inkShare, openBrowser, required } from "./browser.mjs";

const bin = required("DEMARCHE_BIN");
const artifacts = process.env.DEMARCHE_ARTIFACTS;
let browser;
let dir;

before(async () => {
  browser = await openBrowser();
  dir = await mkdtemp(join(tmpdir(), "demarche-report-"));
});

after(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

test("demo prints the path of its report, and the report renders its charts offline", async () => {
  const out = execFileSync(bin, ["demo"], { encoding: "utf8", env: { ...process.env, DEMARCHE_STORE: join(dir, "runs.sqlite") } });
  const m = out.match(/^report: (.+\.html)$/m);
  assert.ok(m, `demo did not print a report path:\n${out}`);
  const page = await browser.context.newPage();
  const fetched = [];
  page.on("request", (r) => fetched.push(r.url()));
  await page.goto(pathToFileURL(m[1]).href);
  const charts = await page.locator("figure svg").count();
  assert.ok(charts >= 2, `only ${charts} charts`);
  const box = await page.locator("figure svg").first().boundingBox();
  assert.ok(box.width > 300 && box.height > 100);
  const external = fetched.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"));
  assert.deepEqual(external, [], "the report fetched something");
  const shot = await page.screenshot({ fullPage: false, path: artifacts ? join(artifacts, "report.png") : undefined });
  const ink = await inkShare(browser.context, shot);
  assert.ok(ink > 0.02, `screenshot is blank (ink share ${ink})`);
  await page.close();
});

test("`demarche report FILE -o` writes a report whose every figure has a caption", async () => {
  const path = join(dir, "seed.html");
  execFileSync(bin, ["report", "@seed", "-o", path, "--no-store"], { encoding: "utf8" });
  const page = await browser.context.newPage();
  await page.goto(pathToFileURL(path).href);
  const figures = await page.locator("figure").count();
  assert.ok(figures >= 2);
  assert.equal(await page.locator("figure figcaption").count(), figures);
  const shot = await page.locator("figure").first().screenshot();
  assert.ok((await inkShare(browser.context, shot)) > 0.02, "first chart is blank");
  await page.close();
});


test("the seed's report has no critical or serious accessibility violation (axe-core)", async () => {
  const path = join(dir, "axe.html");
  execFileSync(bin, ["report", "@seed", "-o", path, "--no-store"], { encoding: "utf8" });
  const page = await browser.context.newPage();
  await page.goto(pathToFileURL(path).href);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], violations.join("\n"));
  await page.close();
});

test("the report's inputs fold away on screen and print in full", async () => {
  const path = join(dir, "seed-fold.html");
  execFileSync(bin, ["report", "@seed", "-o", path, "--no-store", "--no-simulation"], { encoding: "utf8" });
  const page = await browser.context.newPage();
  await page.goto(pathToFileURL(path).href);
  const stances = page.locator(".stance-list").first();
  assert.equal(await stances.isVisible(), false, "stances are folded on screen");
  await page.locator("details > summary", { hasText: "Stances on" }).first().click();
  assert.equal(await stances.isVisible(), true, "a click unfolds them");
  await page.reload();
  await page.emulateMedia({ media: "print" });
  const shown = await page.locator(".stance-list").evaluateAll((ts) => ts.filter((t) => t.getBoundingClientRect().height > 0).length);
  assert.equal(shown, await page.locator(".stance-list").count(), "printing shows every folded list");
  // Every source is listed and numbered, and the stances point at them.
  const sources = await page.locator("ol.sources > li").count();
  assert.ok(sources > 20, `${sources} sources`);
  assert.ok((await page.locator(".stance-list a[href^='#source-']").count()) > 20);
  await page.close();
});

test("the seed's default report prints on at most 15 A4 pages, its folded inputs included", async () => {
  const path = join(dir, "seed-print.html");
  execFileSync(bin, ["report", "@seed", "-o", path, "--no-store"], { encoding: "utf8" });
  const page = await browser.context.newPage();
  await page.goto(pathToFileURL(path).href);
  const pdf = await page.pdf({ format: "A4", path: artifacts ? join(artifacts, "seed-report.pdf") : undefined });
  // Each page object of the PDF is one `/Type /Page` (the page tree is `/Pages`).
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) || []).length;
  assert.ok(pages >= 5, `only ${pages} pages: the inputs did not print`);
  assert.ok(pages <= 15, `${pages} A4 pages`);
  await page.close();
});
