import { test, expect, Page } from '@playwright/test';

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/account/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

test("an admin reaches the overview from the header and sees today's figures", async ({ page }) => {
  await signIn(page, 'admin@cloudmart.test', 'admin-demo-pass');
  await page.getByRole('link', { name: 'Admin', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByText('Revenue today')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Low stock' })).toBeVisible();
  // The demo catalog has a sold-out tent.
  await expect(page.getByRole('link', { name: 'Summit 2-Person Tent' })).toBeVisible();
});

test('a customer gets 403 from the console and no Admin link', async ({ page }) => {
  await signIn(page, 'customer@cloudmart.test', 'customer-demo-pass');
  await expect(page.getByRole('link', { name: 'Admin', exact: true })).toHaveCount(0);
  const response = await page.goto('/admin');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('alert')).toContainText('for admins');
});
