import { test, expect, Page, signUp as signUpAs, uniqueEmail } from './fixtures';

const signUp = (page: Page) =>
  signUpAs(page, 'Grace Hopper', uniqueEmail('tokens'), 'nanoseconds wire');

async function cartWith(page: Page, token: string) {
  return page.request.get('/api/v1/cart', { headers: { Authorization: `Bearer ${token}` } });
}

test('a token is shown once, works for the API, lists its last use, and stops when revoked', async ({ page }) => {
  await signUp(page);
  await page.goto('/account/profile');
  await page.getByRole('link', { name: 'Manage API tokens' }).click();
  await expect(page.getByRole('heading', { name: 'API tokens', level: 1 })).toBeVisible();
  await expect(page.getByText('You have no API tokens yet.')).toBeVisible();

  // Spaces pass the browser's `required`; the server reads them as no name.
  await page.getByLabel('Name').fill('   ');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.locator('#field-name-error')).toContainText('required');
  await expect(page.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('Name').fill('Nightly stock sync');
  await page.getByLabel('Access').selectOption('read-write');
  await page.getByLabel('Expires after').selectOption('30');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByRole('heading', { name: /Your new token “Nightly stock sync”/ })).toBeVisible();
  const token = await page.getByTestId('new-token').inputValue();
  expect(token).toMatch(/^cmk_[0-9a-f]{64}$/);
  await expect(page.getByRole('listitem').filter({ hasText: 'Nightly stock sync' })).toContainText('Never');

  const cart = await cartWith(page, token);
  expect(cart.status()).toBe(200);
  expect((await cart.json()).count).toBe(0);

  await page.reload();
  await expect(page.getByTestId('new-token')).toHaveCount(0);
  const listed = page.getByRole('listitem').filter({ hasText: 'Nightly stock sync' });
  await expect(listed).toContainText('Read and write');
  await expect(listed).toContainText('Last used');
  await expect(listed).not.toContainText('Never');

  await page.getByRole('button', { name: 'Revoke Nightly stock sync' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The token is revoked' })).toBeVisible();
  await expect(page.getByText('You have no API tokens yet.')).toBeVisible();
  const refused = await cartWith(page, token);
  expect(refused.status()).toBe(401);
  expect(refused.headers()['content-type']).toBe('application/problem+json');
});

test('a customer is not offered admin tokens, and the page asks a visitor to sign in', async ({ page }) => {
  await page.goto('/account/api-tokens');
  await expect(page).toHaveURL(/\/account\/sign-in\?next=\/account\/api-tokens$/);
  await signUp(page);
  await page.goto('/account/api-tokens');
  const scopes = await page.getByLabel('Access').locator('option').allTextContents();
  expect(scopes).toEqual(['Read only', 'Read and write']);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a token is created, shown once and revoked with plain form posts', async ({ page }) => {
    await signUp(page);
    await page.goto('/account/api-tokens');
    await page.getByLabel('Name').fill('Spreadsheet import');
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect(page).toHaveURL(/\/account\/api-tokens\?created=1$/);
    const token = await page.getByTestId('new-token').inputValue();
    expect(token).toMatch(/^cmk_[0-9a-f]{64}$/);
    const listed = page.getByRole('listitem').filter({ hasText: 'Spreadsheet import' });
    await expect(listed).toContainText('Read only');

    await page.reload();
    await expect(page.getByTestId('new-token')).toHaveCount(0);
    await page.getByRole('button', { name: 'Revoke Spreadsheet import' }).click();
    await expect(page).toHaveURL(/\/account\/api-tokens\?revoked=1$/);
    await expect(page.getByText('You have no API tokens yet.')).toBeVisible();
  });
});
