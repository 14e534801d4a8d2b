import { test, expect, signIn } from './fixtures';

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

test('an admin moves an order through its statuses; only allowed moves are offered', async ({ browser }) => {
  const shopper = await browser.newPage();
  const email = `admin-flow-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await shopper.goto('/account/sign-up');
  await shopper.getByLabel('Name').fill('Mary Jackson');
  await shopper.getByLabel('Email').fill(email);
  await shopper.getByLabel('Password').fill('wind tunnel data');
  await shopper.getByRole('button', { name: 'Create account' }).click();
  await expect(shopper.getByText('Hi, Mary Jackson')).toBeVisible();
  await shopper.goto('/products/the-quiet-orchard');
  await shopper.getByRole('button', { name: 'Add to cart' }).click();
  await expect(shopper).toHaveURL(/\/cart$/);
  await shopper.getByRole('link', { name: 'Check out' }).click();
  await shopper.getByLabel('Address', { exact: true }).fill('1 Langley Blvd');
  await shopper.getByLabel('City').fill('Hampton');
  await shopper.getByLabel('Postal code').fill('23681');
  await shopper.getByLabel('Country').fill('United States');
  await shopper.getByRole('button', { name: 'Place order' }).click();
  await expect(shopper).toHaveURL(/\/account\/orders\/[0-9a-f-]{36}$/);
  const orderPath = new URL(shopper.url()).pathname.replace('/account/', '/admin/');

  const admin = await browser.newPage();
  await signIn(admin, 'admin@cloudmart.test', 'admin-demo-pass');
  await admin.goto('/admin/orders?status=pending');
  await admin.getByLabel('Customer email').fill(email);
  await admin.getByRole('button', { name: 'Apply' }).click();
  await expect(admin.getByRole('cell', { name: email })).toHaveCount(1);
  await admin.getByLabel('Customer email').fill('not-an-email');
  await admin.getByLabel('Customer email').evaluate((el: HTMLInputElement) => { el.type = 'text'; });
  await admin.getByRole('button', { name: 'Apply' }).click();
  await expect(admin.locator('#filter-email-error')).toContainText('not an email address');
  await admin.goto(orderPath);
  await expect(admin.getByTestId('order-status')).toHaveText('Pending');
  await expect(admin.getByRole('button', { name: 'Mark as shipped' })).toHaveCount(0);

  await admin.getByRole('button', { name: 'Mark as processing' }).click();
  await expect(admin.getByTestId('order-status')).toHaveText('Processing');
  await admin.getByLabel('Note for “Mark as shipped” (optional)').fill('UPS 1Z999');
  await admin.getByRole('button', { name: 'Mark as shipped' }).click();
  await expect(admin.getByTestId('order-status')).toHaveText('Shipped');
  await expect(admin.getByText('Shipped: UPS 1Z999')).toBeVisible();
  await admin.getByRole('button', { name: 'Mark as delivered' }).click();
  await expect(admin.getByTestId('order-status')).toHaveText('Delivered');
  await expect(admin.getByRole('button', { name: /Mark as|Cancel order/ })).toHaveCount(0);

  await shopper.reload();
  await expect(shopper.getByTestId('order-status')).toHaveText('Delivered');
});
