import { test, expect, scriptsLive } from './fixtures';

test('the home page lists products with prices and stock', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'All products' })).toBeVisible();
  const tiles = page.getByRole('main').getByRole('listitem').filter({ has: page.getByRole('img') });
  await expect(tiles).toHaveCount(12);
  await expect(page.getByText(/^\$\d[\d,]*\.\d\d$/).first()).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Pagination' })).toBeVisible();
});

test('a search finds a known product', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('searchbox', { name: 'Search products' }).first().fill('aurora headphones');
  await page.getByRole('button', { name: 'Search' }).first().click();
  await expect(page).toHaveURL(/q=aurora/);
  await expect(page.getByRole('link', { name: 'Aurora Wireless Headphones' })).toBeVisible();
  await expect(page.getByText('1 product', { exact: true })).toBeVisible();
});

test('a search with a typo suggests the right words', async ({ page }) => {
  await page.goto('/?q=wirless');
  await expect(page.getByText('No products match “wirless”.')).toBeVisible();
  await page.getByRole('link', { name: 'wireless' }).click();
  await expect(page).toHaveURL(/q=wireless/);
  await expect(page.getByText('3 products', { exact: true })).toBeVisible();
});

test('the category filter shows only that category', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: 'Books' }).click();
  await expect(page).toHaveURL(/category=books/);
  await expect(page.getByRole('heading', { level: 1, name: 'Books' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'The Quiet Orchard' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Aurora Wireless Headphones' })).toHaveCount(0);
});

test('a product page shows the product, its stock and related products', async ({ page }) => {
  await page.goto('/?category=outdoor');
  await page.getByRole('link', { name: 'Summit 2-Person Tent' }).click();
  await expect(page).toHaveURL(/\/products\/summit-2-person-tent$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Summit 2-Person Tent' })).toBeVisible();
  await expect(page.getByText('Sold out')).toBeVisible();
  await expect(page.getByRole('img', { name: 'Summit 2-Person Tent' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'More in Outdoor' })).toBeVisible();
  await expect(page).toHaveTitle('Summit 2-Person Tent · CloudMart');
});

test('choosing a sort order applies it at once once the page script runs', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto('/?category=books');
  // The no-JavaScript "Apply" button is inside <noscript>, so only the page script applies this.
  await scriptsLive(page);
  await page.getByLabel('Sort by').selectOption('price-asc');
  await expect(page).toHaveURL(/sort=price-asc/);
  const prices = await page
    .getByRole('main')
    .getByText(/^\$\d[\d,]*\.\d\d$/)
    .allTextContents();
  const cents = prices.map((p) => Number(p.replace(/[$,.]/g, '')));
  expect(cents.length).toBeGreaterThan(1);
  expect([...cents].sort((a, b) => a - b)).toEqual(cents);
  expect(errors, 'no script errors').toEqual([]);
});

test('an unknown product shows the not-found page with status 404', async ({ page }) => {
  const response = await page.goto('/products/no-such-thing');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: "We couldn't find that page" })).toBeVisible();
  await expect(page).toHaveTitle('Page not found · CloudMart');
});

test('the skip link moves keyboard focus to the main content', async ({ page }) => {
  await page.goto('/');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
});

test('pages run only the shop’s own scripts and cannot be framed', async ({ page, cspViolations }) => {
  const response = await page.goto('/');
  const csp = response!.headers()['content-security-policy'];
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(response!.headers()['x-frame-options']).toBe('DENY');
  await expect(page.locator('html')).toHaveAttribute('data-islands', 'hydrated');

  // A script injected into the page is refused, and the refusal is what the fixture catches.
  const ran = await page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.body.append(script);
    await new Promise((r) => setTimeout(r, 50));
    return (window as unknown as { __injected?: boolean }).__injected === true;
  });
  expect(ran).toBe(false);
  await expect.poll(() => cspViolations.length, { timeout: 5_000 }).toBeGreaterThan(0);
  cspViolations.splice(0);
});
