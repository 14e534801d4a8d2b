import { test, expect, Page, signUp as signUpAs, uniqueEmail } from './fixtures';

const unique = () => uniqueEmail('profile');

const signUp = (page: Page, email: string, password: string) =>
  signUpAs(page, 'Katherine Johnson', email, password);

test('a saved default address prefills checkout, and a bad phone is flagged next to it', async ({ page }) => {
  await signUp(page, unique(), 'orbital mechanics');
  await page.getByRole('link', { name: /Hi, Katherine Johnson/ }).click();
  await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();

  await page.getByLabel('Phone (optional)').fill('call me maybe');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByLabel('Phone (optional)')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#field-phone-error')).toContainText('phone number');

  await page.getByLabel('Phone (optional)').fill('+1 757 555 0100');
  await page.getByLabel('Address', { exact: true }).fill('1 Langley Blvd');
  await page.getByLabel('City').fill('Hampton');
  await page.getByLabel('Postal code').fill('23681');
  await page.getByLabel('Country').fill('United States');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your profile is saved.' })).toBeVisible();
  await expect(page.getByLabel('City')).toHaveValue('Hampton');

  await page.goto('/products/the-quiet-orchard');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page).toHaveURL(/\/cart$/);
  await page.getByRole('link', { name: 'Check out' }).click();
  await expect(page.getByLabel('Full name')).toHaveValue('Katherine Johnson');
  await expect(page.getByLabel('Address', { exact: true })).toHaveValue('1 Langley Blvd');
  await expect(page.getByLabel('Postal code')).toHaveValue('23681');
});

test('changing the password needs the current one and the new one signs in', async ({ page }) => {
  const email = unique();
  await signUp(page, email, 'orbital mechanics');
  await page.goto('/account/profile');

  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password').fill('friendship seven');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('Current password').fill('orbital mechanics');
  await page.getByLabel('New password').fill('friendship seven');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your password is changed.' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto('/account/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('friendship seven');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Hi, Katherine Johnson')).toBeVisible();
});

test('the profile page asks a visitor to sign in first and comes back', async ({ page }) => {
  await page.goto('/account/profile');
  await expect(page).toHaveURL(/\/account\/sign-in\?next=\/account\/profile$/);
});
