import { test, expect } from './fixtures';

test.use({ javaScriptEnabled: false });

test('without JavaScript, search, filter, sort and paging still work', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('searchbox', { name: 'Search products' }).first().fill('wireless');
  await page.getByRole('button', { name: 'Search' }).first().click();
  await expect(page.getByText('3 products', { exact: true })).toBeVisible();

  await page.goto('/?category=sports');
  await page.getByLabel('Sort by').selectOption('price-desc');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/sort=price-desc/);
  await expect(page).toHaveURL(/category=sports/);

  await page.goto('/');
  await page.getByRole('navigation', { name: 'Pagination' }).getByRole('link', { name: 'Next' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(
    page.getByRole('navigation', { name: 'Pagination' }).locator('[aria-current=page]'),
  ).toHaveText('2');
});

test('without JavaScript, sign-up errors are shown next to their fields', async ({ page }) => {
  await page.goto('/account/sign-up');
  await page.getByLabel('Name').fill('Ada');
  await page.getByLabel('Email').fill('customer@cloudmart.test');
  await page.getByLabel('Password').fill('long enough pass');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/account\/sign-up\?/);
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#field-email-error')).toContainText('already exists');
});

test('without JavaScript, a shopper signs up, fills a cart and places an order', async ({ page }) => {
  const email = `nojs-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto('/account/sign-up');
  await page.getByLabel('Name').fill('Alan Turing');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('enigma machine');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Hi, Alan Turing')).toBeVisible();

  await page.goto('/products/the-quiet-orchard');
  await page.getByLabel('Quantity').selectOption('2');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page).toHaveURL(/\/cart$/);
  await expect(page.getByRole('link', { name: 'Cart (2 items)' })).toBeVisible();

  await page.getByRole('link', { name: 'Check out' }).click();
  await page.getByRole('button', { name: 'Place order' }).click();
  // The browser's own checks stop an empty required field before anything is sent.
  await expect(page).toHaveURL(/\/checkout$/);
  await page.getByLabel('Address', { exact: true }).fill('Bletchley Park');
  await page.getByLabel('City').fill('Milton Keynes');
  await page.getByLabel('Postal code').fill('MK3 6EB');
  await page.getByLabel('Country').fill('United Kingdom');
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(/\/account\/orders\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('order-status')).toHaveText('Pending');
  await expect(page.getByRole('link', { name: 'Cart', exact: true })).toBeVisible();
});
