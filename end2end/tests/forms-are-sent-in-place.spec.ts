import { test, expect, Page, signIn, scriptsLive } from './fixtures';

/** The /pkg files a visit to `path` fetches, once the page's scripts are live. */
async function fetchedFiles(page: Page, path: string): Promise<string[]> {
  const files: string[] = [];
  const record = (request: { url(): string }) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/pkg/')) files.push(url.pathname);
  };
  page.on('request', record);
  await page.goto(path);
  await scriptsLive(page);
  await page.waitForLoadState('networkidle');
  page.off('request', record);
  return files;
}

test('no page downloads WebAssembly or a script file: only the stylesheet', async ({ page }) => {
  const shopper = ['/', '/products/aurora-wireless-headphones', '/account/sign-in', '/account/sign-up', '/cart'];
  for (const path of shopper) {
    const files = await fetchedFiles(page, path);
    expect(files.filter((f) => !f.endsWith('.css')), `the files ${path} fetches`).toEqual([]);
  }
  await signIn(page, 'admin@cloudmart.test', 'admin-demo-pass');
  for (const path of ['/account/profile', '/checkout', '/admin/products/new']) {
    const files = await fetchedFiles(page, path);
    expect(files.filter((f) => !f.endsWith('.css')), `the files ${path} fetches`).toEqual([]);
  }
});

test('a refused form is answered in place: the error by its field, focus on it, what was typed kept', async ({ page }) => {
  await page.goto('/account/sign-up');
  await scriptsLive(page);
  const loads: string[] = [];
  page.on('framenavigated', (frame) => loads.push(frame.url()));
  await page.getByLabel('Name').fill('Ada Byron');
  await page.getByLabel('Email').fill('customer@cloudmart.test');
  await page.getByLabel('Password').fill('long enough pass');
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page.locator('#field-email-error')).toContainText('already exists');
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Email')).toBeFocused();
  await expect(page.getByLabel('Name')).toHaveValue('Ada Byron');
  await expect(page.getByLabel('Password')).toHaveValue('long enough pass');
  expect(loads, 'the page was not loaded again').toEqual([]);
  await expect(page).toHaveURL(/\/account\/sign-up$/);
});

test('a form is sent once however often it is clicked, and says so while it is on its way', async ({ page }) => {
  let posts = 0;
  await page.route('**/api/sign_in*', async (route) => {
    posts += 1;
    await new Promise((done) => setTimeout(done, 400));
    await route.continue();
  });
  await page.goto('/account/sign-in');
  await scriptsLive(page);
  await page.getByLabel('Email').fill('customer@cloudmart.test');
  await page.getByLabel('Password').fill('customer-demo-pass');
  const button = page.getByRole('button', { name: 'Sign in' });
  await button.click();
  const busy = page.getByRole('button', { name: 'Signing in…' });
  await expect(busy).toBeDisabled();
  await busy.click({ force: true });
  await page.locator('form#sign-in-form').evaluate((form: HTMLFormElement) => form.requestSubmit());

  await expect(page.getByText('Hi, Demo Customer')).toBeVisible();
  await expect(page).toHaveURL(/\/$/);
  expect(posts).toBe(1);
});

test('a form whose post is lost says the shop could not be reached, and can be sent again', async ({ page }) => {
  await page.route('**/api/sign_in*', (route) => route.abort('internetdisconnected'));
  await page.goto('/account/sign-in');
  await scriptsLive(page);
  await page.getByLabel('Email').fill('customer@cloudmart.test');
  await page.getByLabel('Password').fill('customer-demo-pass');
  await page.getByRole('button', { name: 'Sign in' }).click();

  const message = page.getByRole('alert').filter({ hasText: 'could not be reached' });
  await expect(message).toHaveText('The shop could not be reached. Check your connection and try again.');
  await expect(message).toBeFocused();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();

  await page.unroute('**/api/sign_in*');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Hi, Demo Customer')).toBeVisible();
});

test('a refusal the shop answers with its own page is shown in the form', async ({ page }) => {
  await page.goto('/account/sign-in');
  await scriptsLive(page);
  await page.getByLabel('Email').fill('customer@cloudmart.test');
  await page.getByLabel('Password').fill('customer-demo-pass');
  // A body over the shop's 64 KB limit, which it refuses with its error page.
  await page.locator('input[name="next"]').evaluate((input: HTMLInputElement) => {
    input.value = `/${'x'.repeat(70 * 1024)}`;
  });
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'too large' })).toHaveText(
    'The request is too large (at most 64 KB).',
  );
  await expect(page).toHaveURL(/\/account\/sign-in$/);
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
});
