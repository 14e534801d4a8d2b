import { test, expect, Page } from './fixtures';

/** The /pkg files a visit to `path` fetches, once its islands are live. */
async function fetchedFiles(page: Page, path: string): Promise<string[]> {
  const files: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/pkg/')) files.push(url.pathname);
  });
  await page.goto(path);
  await page.locator('html[data-islands="hydrated"]').waitFor({ state: 'attached' });
  await page.waitForLoadState('networkidle');
  return files;
}

const loaderOf = (island: string) => new RegExp(`/pkg/split_${island}_loader_`);

test('a shopper downloads each island only on a page that shows it, and never the console\'s', async ({ page }) => {
  const home = await fetchedFiles(page, '/');
  expect(home.some((f) => loaderOf('submit_on_change').test(f)), 'the sort menu is on the listing').toBe(true);
  for (const island of ['add_to_cart', 'checkout_form', 'product_form', 'stock_form']) {
    expect(home.filter((f) => loaderOf(island).test(f)), `${island} on /`).toEqual([]);
  }

  const product = await fetchedFiles(page, '/products/aurora-wireless-headphones');
  expect(product.some((f) => loaderOf('add_to_cart').test(f)), 'add to cart is on a product page').toBe(true);
  for (const island of ['product_form', 'stock_form', 'sign_in_form']) {
    expect(product.filter((f) => loaderOf(island).test(f)), `${island} on a product page`).toEqual([]);
  }
});

test('the console fetches its own forms when an admin opens them', async ({ page }) => {
  await page.goto('/account/sign-in');
  await page.getByLabel('Email').fill('admin@cloudmart.test');
  await page.getByLabel('Password').fill('admin-demo-pass');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();

  const form = await fetchedFiles(page, '/admin/products/new');
  expect(form.some((f) => loaderOf('product_form').test(f)), 'the product form').toBe(true);
});
