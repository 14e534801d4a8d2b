import { test, expect, Page, signIn, scriptsLive } from './fixtures';

const signInAsAdmin = (page: Page) => signIn(page, 'admin@cloudmart.test', 'admin-demo-pass');
const hydrated = scriptsLive;

// A 2×2 PNG, built here so the test needs no fixture file.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4oaEBRAwQCgAhLgRhHuBtwgAAAABJRU5ErkJggg==',
  'base64',
);

const unique = () => `${Date.now()}${Math.floor(Math.random() * 1e6)}`;

test('an admin creates a product, sees it in the shop, adjusts its stock and archives it', async ({ page }) => {
  const name = `Harbor Lantern ${unique()}`;
  await signInAsAdmin(page);
  await page.goto('/admin/products');
  await page.getByRole('link', { name: 'New product' }).click();
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Description').fill('A brass lantern that survives the sea air.');
  await page.getByLabel('Price (USD)').fill('34.50');
  await page.getByLabel('Category').selectOption('outdoor');
  await page.getByLabel('Status').selectOption('active');
  await page.getByLabel('Stock').fill('7');
  await page.getByRole('button', { name: 'Create product' }).click();

  await expect(page).toHaveURL(/\/admin\/products\/[0-9a-f-]{36}\?saved=1$/);
  await expect(page.getByRole('status')).toContainText('The product is saved.');
  await expect(page.getByTestId('stock')).toHaveText('7');
  const adminPath = new URL(page.url()).pathname;

  // A fake image is refused by its content; a real one is re-encoded and shown.
  await page.getByLabel('New image').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('just text') });
  await page.getByRole('button', { name: 'Upload image' }).click();
  await expect(page.locator('#field-image-error')).toContainText('is not a PNG, JPEG or WebP image');
  await page.getByLabel('New image').setInputFiles({ name: 'lantern.png', mimeType: 'image/png', buffer: PNG });
  await page.getByRole('button', { name: 'Upload image' }).click();
  await expect(page.getByRole('status')).toContainText('The image is saved.');
  const preview = page.getByRole('img', { name: `Current image of ${name}` });
  await expect(preview).toHaveAttribute('src', /^\/media\/products\/.+-thumb\.jpg$/);
  // The thumbnail loads (polled: the browser fetches it after the page is shown).
  await expect
    .poll(() => preview.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)), { timeout: 5_000 })
    .toBeGreaterThan(0);

  // In the shop at once.
  await page.getByRole('link', { name: 'View in shop' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByText('$34.50').first()).toBeVisible();
  const shopImage = page.locator('main img[src^="/media/products/"]').first();
  await expect(shopImage).toBeVisible();
  await expect
    .poll(() => shopImage.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)), { timeout: 5_000 })
    .toBeGreaterThan(0);
  const shopPath = new URL(page.url()).pathname;

  // Stock down by two, with a reason kept in the history.
  await page.goto(adminPath);
  await hydrated(page);
  await page.getByLabel('Change').selectOption('delta');
  await page.getByLabel('Amount').fill('-2');
  await page.getByLabel('Reason').fill('Two dented in transit');
  await page.getByRole('button', { name: 'Update stock' }).click();
  await expect(page.getByTestId('stock')).toHaveText('5');
  await expect(page.getByText('Reason: Two dented in transit')).toBeVisible();

  // More than there is cannot be taken; the error sits next to the amount.
  await hydrated(page);
  await page.getByLabel('Amount').fill('-6');
  await page.getByLabel('Reason').fill('Too many');
  await page.getByRole('button', { name: 'Update stock' }).click();
  await expect(page.locator('#field-amount-error')).toContainText('there are only 5');
  await expect(page.getByTestId('stock')).toHaveText('5');

  // Archived: gone from the shop, still in the console.
  await page.goto(adminPath);
  await hydrated(page);
  await page.getByLabel('Status').selectOption('archived');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('product-status')).toHaveText('Archived');
  const gone = await page.goto(shopPath);
  expect(gone?.status()).toBe(404);
  await page.goto(`/?q=${encodeURIComponent(name)}`);
  await expect(page.getByRole('link', { name })).toHaveCount(0);

  // Every step is in the audit log.
  await page.goto('/admin/audit?kind=product');
  await expect(page.getByRole('link', { name }).first()).toBeVisible();
  await expect(page.getByRole('cell', { name: 'stock.adjusted' }).first()).toBeVisible();
});

test('a product form with bad fields shows each error next to its field', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/admin/products/new');
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill('X');
  await page.getByLabel('Price (USD)').fill('-3');
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page.locator('#field-name-error')).toContainText('2 to 120 characters');
  await expect(page.locator('#field-price-error')).toContainText('must not be negative');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('X');
  await expect(page).toHaveURL(/\/admin\/products\/new$/);
});

test("an admin changes a customer's role, and cannot demote the last admin", async ({ browser }) => {
  const email = `role-change-${unique()}@example.com`;
  const customer = await browser.newPage();
  await customer.goto('/account/sign-up');
  await customer.getByLabel('Name').fill('Katherine Johnson');
  await customer.getByLabel('Email').fill(email);
  await customer.getByLabel('Password').fill('orbital mechanics');
  await customer.getByRole('button', { name: 'Create account' }).click();
  await expect(customer.getByText('Hi, Katherine Johnson')).toBeVisible();

  const admin = await browser.newPage();
  await signInAsAdmin(admin);
  await admin.goto('/admin/users');
  await admin.getByLabel('Name or email contains').fill('katherine');
  await admin.getByRole('search', { name: 'Search users' }).getByRole('button', { name: 'Search' }).click();
  await admin.getByRole('link', { name: email }).click();
  await expect(admin.getByTestId('user-role')).toHaveText('customer');
  await admin.getByLabel('Role').selectOption('support');
  await admin.getByRole('button', { name: 'Change role' }).click();
  await expect(admin.getByTestId('user-role')).toHaveText('support');
  await expect(admin.getByRole('cell', { name: 'user.role' })).toBeVisible();
  await admin.goto(`/admin/users?role=support&q=${encodeURIComponent(email)}`);
  await expect(admin.getByRole('link', { name: email })).toBeVisible();

  // The demo admin is the only one: stepping down is refused.
  await admin.goto('/admin/users?role=admin&q=admin%40cloudmart.test');
  await admin.getByRole('link', { name: 'admin@cloudmart.test' }).click();
  await admin.getByLabel('Role').selectOption('customer');
  await admin.getByRole('button', { name: 'Change role' }).click();
  await expect(admin.getByRole('alert').filter({ hasText: 'last active admin' })).toBeVisible();
  await admin.goto('/admin');
  await expect(admin.getByRole('heading', { name: 'Overview' })).toBeVisible();
});

test('an admin imports a catalog CSV, follows its progress and reads the per-row report', async ({ page }) => {
  const slug = `csv-lamp-${unique()}`;
  const csv = [
    'slug,name,description,price,category,status,featured,stock',
    `${slug},CSV Lamp ${slug},Imported.,12.00,home-kitchen,active,no,3`,
    `${slug}-bad,Bad Row,,-5,home-kitchen,active,no,3`,
  ].join('\n');
  await signInAsAdmin(page);
  await page.goto('/admin/products');
  await page.getByRole('link', { name: 'Import / export CSV' }).click();
  await page.getByLabel('CSV file').setInputFiles({ name: 'wrong.csv', mimeType: 'text/csv', buffer: Buffer.from('name,price\nx,1\n') });
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page.locator('#field-file-error')).toContainText('must have exactly the columns');
  await page.getByLabel('CSV file').setInputFiles({ name: 'lamps.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page).toHaveURL(/\/admin\/catalog\/import\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('import-status')).toHaveText(
    'Finished: 1 created, 0 updated, 0 unchanged, 1 with errors.',
  );
  await expect(page.getByRole('cell', { name: /price must not be negative/ })).toBeVisible();
  await page.goto(`/products/${slug}`);
  await expect(page.getByRole('heading', { level: 1, name: `CSV Lamp ${slug}` })).toBeVisible();
});
