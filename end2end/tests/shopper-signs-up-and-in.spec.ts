import { test, expect } from './fixtures';

const unique = () => `shopper-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

test('a shopper signs up, is greeted by name, signs out and signs back in', async ({ page }) => {
  const email = unique();
  await page.goto('/');
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { name: 'Create an account' })).toBeVisible();
  await page.getByLabel('Name').fill('Ada Lovelace');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('analytical engine');
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText('Hi, Ada Lovelace')).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByText('Hi, Ada Lovelace')).toHaveCount(0);

  await page.goto('/account/sign-in');
  await page.getByLabel('Email').fill(email.toUpperCase());
  await page.getByLabel('Password').fill('analytical engine');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Hi, Ada Lovelace')).toBeVisible();
});

test('a wrong password and an unknown email get the same generic message', async ({ page }) => {
  await page.goto('/account/sign-in');
  await page.getByLabel('Email').fill('customer@cloudmart.test');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const message = page.getByRole('alert').filter({ hasText: 'not right' });
  await expect(message).toHaveText('The email or password is not right.');

  await page.goto('/account/sign-in');
  await page.getByLabel('Email').fill(unique());
  await page.getByLabel('Password').fill('whatever it is');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'not right' })).toHaveText(
    'The email or password is not right.',
  );
});

test('sign-up errors are shown next to the fields that caused them', async ({ page }) => {
  await page.goto('/account/sign-up');
  await page.getByLabel('Name').fill('Ada');
  await page.getByLabel('Email').fill('customer@cloudmart.test');
  await page.getByLabel('Password').fill('long enough pass');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#field-email-error')).toContainText('already exists');
});

test('the demo customer can sign in', async ({ page }) => {
  await page.goto('/account/sign-in');
  await page.getByLabel('Email').fill('customer@cloudmart.test');
  await page.getByLabel('Password').fill('customer-demo-pass');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Hi, Demo Customer')).toBeVisible();
});
