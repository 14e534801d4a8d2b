import { test, expect, Page, scriptsLive } from './fixtures';

const unique = () => `buyer-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

async function signUp(page: Page, email: string) {
  await page.goto('/account/sign-up');
  await page.getByLabel('Name').fill('Grace Hopper');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('compiler pioneer');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Hi, Grace Hopper')).toBeVisible();
}

async function addToCart(page: Page, slug: string, quantity = '1') {
  await page.goto(`/products/${slug}`);
  await page.getByLabel('Quantity').selectOption(quantity);
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page).toHaveURL(/\/cart$/);
}

test('a shopper signs up, fills a cart, checks out, sees the order and cancels it', async ({ page }) => {
  await signUp(page, unique());
  await addToCart(page, 'the-quiet-orchard');
  await addToCart(page, 'rosehip-facial-oil', '2');
  await expect(page.getByRole('heading', { name: 'Your cart' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Cart (3 items)' })).toBeVisible();

  await page.getByLabel('Quantity of The Quiet Orchard').selectOption('2');
  await page.getByRole('button', { name: 'Update' }).first().click();
  await expect(page.getByRole('link', { name: 'Cart (4 items)' })).toBeVisible();

  await page.getByRole('link', { name: 'Check out' }).click();
  await expect(page.getByRole('heading', { name: 'Checkout' })).toBeVisible();
  await page.getByLabel('Address', { exact: true }).fill('1 Analytical Way');
  await page.getByLabel('City').fill('Arlington');
  await page.getByLabel('Postal code').fill('22201');
  await page.getByLabel('Country').fill('United States');
  await page.getByRole('button', { name: 'Place order' }).click();

  await expect(page).toHaveURL(/\/account\/orders\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: /^Order CM-/ })).toBeVisible();
  await expect(page.getByTestId('order-status')).toHaveText('Pending');
  await expect(page.getByRole('link', { name: 'Cart', exact: true })).toBeVisible();

  await page.goto('/account/orders');
  await expect(page.getByRole('link', { name: /Order CM-.*Pending/ })).toHaveCount(1);
  await page.getByRole('link', { name: /Order CM-/ }).click();
  await page.getByRole('button', { name: 'Cancel order' }).click();
  await expect(page.getByTestId('order-status')).toHaveText('Cancelled');
  await expect(page.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
});

test("a guest's cart survives signing in", async ({ page }) => {
  const email = unique();
  await signUp(page, email);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();

  await addToCart(page, 'wooden-rainbow-stacker');
  await expect(page.getByRole('link', { name: 'Cart (1 item)' })).toBeVisible();
  await page.goto('/account/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('compiler pioneer');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Hi, Grace Hopper')).toBeVisible();
  await page.goto('/cart');
  await expect(page.getByRole('link', { name: 'Wooden Rainbow Stacker' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Cart (1 item)' })).toBeVisible();
});

test('checkout asks a visitor to sign in first and comes back', async ({ page }) => {
  await page.goto('/checkout');
  await expect(page).toHaveURL(/\/account\/sign-in\?next=\/checkout$/);
});

test("another customer's order is not found", async ({ page }) => {
  await signUp(page, unique());
  const response = await page.goto('/account/orders/00000000-0000-4000-8000-000000000001');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: "We couldn't find that page" })).toBeVisible();
});

test('a refused checkout keeps the address and its key, and the corrected one places one order', async ({ page }) => {
  await signUp(page, unique());
  await addToCart(page, 'the-quiet-orchard');
  await page.goto('/checkout');
  await scriptsLive(page);
  const key = await page.locator('input[name="key"]').inputValue();
  await page.getByLabel('Address', { exact: true }).fill('1 Analytical Way');
  await page.getByLabel('City').fill('Arlington');
  await page.getByLabel('Postal code').fill('22201');
  await page.getByLabel('Country').fill('U');
  await page.getByRole('button', { name: 'Place order' }).click();

  await expect(page.getByLabel('Country')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Country')).toBeFocused();
  await expect(page.getByLabel('City')).toHaveValue('Arlington');
  await expect(page.locator('input[name="key"]')).toHaveValue(key);

  await page.getByLabel('Country').fill('United States');
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(/\/account\/orders\/[0-9a-f-]{36}$/);
  await page.goto('/account/orders');
  await expect(page.getByRole('link', { name: /Order CM-/ })).toHaveCount(1);
});
