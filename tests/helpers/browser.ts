/**
 * End-to-end harness: builds the app with Vite, serves it on 127.0.0.1 with Vite's preview server and drives
 * Debian's Chromium (SwiftShader WebGPU) through playwright-core. Never downloads a browser.
 */
import { existsSync } from 'node:fs';
import { build, preview, type PreviewServer } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--disable-vulkan-surface',
  '--use-angle=swiftshader',
  '--no-first-run',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--no-default-browser-check',
  '--disable-breakpad',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

export interface App {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

let built = false;

export async function startApp(): Promise<App> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run tests/setup-system.sh (apt-get install chromium)`);
  if (!built) {
    await build({ logLevel: 'warn', build: { outDir: 'dist' } });
    built = true;
  }
  const server: PreviewServer = await preview({ preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
  const addr = server.httpServer.address();
  if (!addr || typeof addr === 'string') throw new Error('preview server has no port');
  const url = `http://127.0.0.1:${addr.port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, ignoreDefaultArgs: ['--headless'] });
  return {
    url,
    browser,
    async close() {
      await browser.close();
      await new Promise<void>((res) => server.httpServer.close(() => res()));
    },
  };
}

/** Starts the app once for a test file (beforeAll/afterAll) and hands it out. */
export function useApp(hooks: { beforeAll: (fn: () => Promise<void>, timeout?: number) => void; afterAll: (fn: () => Promise<void>) => void }): () => App {
  let app: App | null = null;
  hooks.beforeAll(async () => {
    app = await startApp();
  });
  hooks.afterAll(async () => {
    await app?.close();
  });
  return () => {
    if (!app) throw new Error('the app has not started');
    return app;
  };
}

/** Opens a page and records console errors and requests to any other host (there must be none). */
export async function openPage(app: App, path = ''): Promise<{ page: Page; errors: string[]; foreignRequests: string[] }> {
  const page = await app.browser.newPage();
  const errors: string[] = [];
  const foreignRequests: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(app.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) foreignRequests.push(r.url());
  });
  await page.goto(app.url + path);
  return { page, errors, foreignRequests };
}
