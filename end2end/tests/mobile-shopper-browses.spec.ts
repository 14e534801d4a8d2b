import { test, expect } from './fixtures';

test('on a phone the grid fits the screen and search works', async ({ page }) => {
  await page.goto('/');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  const viewport = page.viewportSize()!.width;
  expect(width).toBeLessThanOrEqual(viewport);
  await page.getByRole('searchbox', { name: 'Search products' }).first().fill('kettle');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('link', { name: 'Gooseneck Pour-Over Kettle' })).toBeVisible();
});
