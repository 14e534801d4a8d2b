import { test, expect, Page } from './fixtures';

// Catalog pages are one shared, cached render with the header's personal slot filled in per
// shopper. Each change a shopper makes must show in that header on the next page, with and
// without JavaScript.

const unique = () => `header-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

async function header(page: Page, path: string) {
  await page.goto(path);
  return page.getByRole('navigation', { name: 'Account' });
}

for (const javaScriptEnabled of [true, false]) {
  test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled });

    test('the header greets and counts for this shopper on every cached page', async ({ page }) => {
      let nav = await header(page, '/');
      await expect(nav.getByRole('link', { name: 'Sign in' })).toBeVisible();
      await expect(nav.getByRole('link', { name: 'Cart', exact: true })).toBeVisible();

      // A guest's cart counts on the shared pages.
      await page.goto('/products/aurora-wireless-headphones');
      await page.getByLabel('Quantity').selectOption('2');
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await expect(page).toHaveURL(/\/cart$/);
      for (const path of ['/', '/products/aurora-wireless-headphones', '/?category=books']) {
        nav = await header(page, path);
        await expect(nav.getByRole('link', { name: 'Cart (2 items)' })).toBeVisible();
        await expect(nav.getByRole('link', { name: 'Sign in' })).toBeVisible();
      }

      // Signing up greets by name and keeps the guest's cart.
      await page.goto('/account/sign-up');
      await page.getByLabel('Name').fill('Dorothy Vaughan');
      await page.getByLabel('Email').fill(unique());
      await page.getByLabel('Password').fill('fortran for everyone');
      await page.getByRole('button', { name: 'Create account' }).click();
      await expect(page.getByText('Hi, Dorothy Vaughan')).toBeVisible();
      nav = await header(page, '/');
      await expect(nav.getByText('Hi, Dorothy Vaughan')).toBeVisible();
      await expect(nav.getByRole('link', { name: 'Cart (2 items)' })).toBeVisible();
      await expect(nav.getByRole('link', { name: 'Sign in' })).toHaveCount(0);

      // A new name is the greeting on the next page.
      await page.goto('/account/profile');
      await page.getByLabel('Name').fill('Dot Vaughan');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await expect(page.getByRole('status').filter({ hasText: 'Your profile is saved.' })).toBeVisible();
      nav = await header(page, '/products/aurora-wireless-headphones');
      await expect(nav.getByText('Hi, Dot Vaughan')).toBeVisible();

      // Removing the line empties the count.
      await page.goto('/cart');
      await page.getByRole('button', { name: /Remove/ }).first().click();
      await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Cart', exact: true })).toBeVisible();
      nav = await header(page, '/');
      await expect(nav.getByRole('link', { name: 'Cart', exact: true })).toBeVisible();

      // Signing out leaves a visitor's header.
      await nav.getByRole('button', { name: 'Sign out' }).click();
      await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' })).toBeVisible();
      nav = await header(page, '/');
      await expect(nav.getByRole('link', { name: 'Sign in' })).toBeVisible();
      await expect(nav.getByText(/Hi, /)).toHaveCount(0);
      await expect(nav.getByRole('link', { name: 'Cart', exact: true })).toBeVisible();
    });
  });
}
