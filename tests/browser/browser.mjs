// Shared helpers: Debian's Chromium driven by playwright-core (no browser download).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A browser context with a fresh profile; `close()` removes the profile. */
export async function openBrowser() {
  const profile = await mkdtemp(join(tmpdir(), "demarche-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ARGS,
    acceptDownloads: true,
    viewport: { width: 1400, height: 1000 },
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Share of pixels in a PNG that are not (near) white, measured in the browser. */
export async function inkShare(context, png) {
  const page = await context.newPage();
  try {
    await page.setContent("<canvas id=c></canvas>");
    return await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = "data:image/png;base64," + b64;
      await img.decode();
      const c = document.getElementById("c");
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext("2d");
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, img.width, img.height).data;
      let ink = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) ink++;
      return ink / (d.length / 4);
    }, png.toString("base64"));
  } finally {
    await page.close();
  }
}

export function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set; run these tests through tests/browser/run.sh`);
  return v;
}

/** axe-core's critical and serious violations on a page (WCAG 2.1 A and AA rules), each as
 * "rule: what — the first few elements". */
export async function axeViolations(page) {
  const here = new URL(".", import.meta.url).pathname;
  // Evaluated through the debugging protocol, which the reports' strict CSP (no scripts) does not block.
  const source = await readFile(join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");
  await page.evaluate(source);
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  return result.violations
    .filter((v) => v.impact === "critical" || v.impact === "serious")
    .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`);
}
