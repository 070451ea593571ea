// Shared helpers: Debian's Chromium driven by playwright-core (no browser download).
import { mkdtemp, rm } from "node:fs/promises";
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
