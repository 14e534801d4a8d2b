import { test, expect } from '@playwright/test';

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
