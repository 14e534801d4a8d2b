// make bench: what a first visit to each page downloads from /pkg (WASM, JS, CSS, brotli as
// served), measured in Chromium: each page in a new browser context (an empty cache), until its
// scripts are live and the network is idle. The page's inline script (which sends its forms)
// is counted as well, as "(inline script)", at its brotli size. Shoppers' pages and the staff
// console's are listed apart. Prints one JSON object:
// {"pages": [{"page", "audience", "files": [[path, bytes]...]}]}.
//
// Usage: node bench/bundle.mjs BASE_URL
import { chromium } from '@playwright/test';
import { brotliCompressSync } from 'node:zlib';

const base = process.argv[2];
if (!base) {
  console.error('usage: node bench/bundle.mjs BASE_URL');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});

/** Cookies of a visitor who did `steps` (signed in, filled a cart). */
async function visitor(steps) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await steps(page);
  const state = await context.storageState();
  await context.close();
  return state;
}

async function signIn(page, email, password) {
  await page.goto(`${base}/account/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/account/sign-in'));
}

async function addToCart(page) {
  await page.goto(`${base}/products/aurora-wireless-headphones`);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.waitForURL(/\/cart/);
}

const product = '/products/aurora-wireless-headphones';
const customer = await visitor(async (page) => {
  await signIn(page, 'customer@cloudmart.test', 'customer-demo-pass');
  await addToCart(page);
});
const guestWithCart = await visitor(addToCart);
const admin = await visitor((page) => signIn(page, 'admin@cloudmart.test', 'admin-demo-pass'));

const pages = [
  ['/', 'shopper', undefined],
  [product, 'shopper', undefined],
  ['/cart', 'shopper', guestWithCart],
  ['/checkout', 'shopper', customer],
  ['/account/sign-in', 'shopper', undefined],
  ['/account/sign-up', 'shopper', undefined],
  ['/account/profile', 'shopper', customer],
  ['/admin/products/new', 'staff', admin],
];

const results = [];
for (const [path, audience, storageState] of pages) {
  const context = await browser.newContext({ storageState });
  const page = await context.newPage();
  const pending = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith('/pkg/')) {
      pending.push(response.request().sizes().then((s) => [url.pathname, s.responseBodySize]));
    }
  });
  await page.goto(`${base}${path}`);
  await page.locator('html[data-islands="hydrated"]').waitFor({ state: 'attached', timeout: 20_000 });
  await page.waitForLoadState('networkidle');
  const inline = await page.evaluate(() =>
    [...document.querySelectorAll('script:not([src]):not([type="application/ld+json"])')].map((s) => s.textContent).join(''));
  const files = await Promise.all(pending);
  if (inline) files.push(['(inline script)', brotliCompressSync(Buffer.from(inline)).length]);
  results.push({ page: path, audience, files });
  await context.close();
}
await browser.close();
console.log(JSON.stringify({ pages: results }));
