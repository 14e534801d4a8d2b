import { test, expect, scriptsLive, signUp, buySomething } from './fixtures';

test('a shopper asks the panel on a product page, keeps the conversation across pages and on /assistant', async ({ page }) => {
  const wasm: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(r.url());
  });
  await page.goto('/products/aurora-wireless-headphones');
  await scriptsLive(page);
  const toggle = page.getByRole('link', { name: 'Ask the assistant' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  expect(wasm, 'no WebAssembly before the panel is used').toEqual([]);

  await toggle.click();
  const panel = page.getByRole('dialog', { name: 'Shopping assistant' });
  await expect(panel).toBeVisible();
  expect(wasm.length).toBeGreaterThan(0);
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(panel.getByLabel('Your message')).toBeFocused();
  await expect(panel.getByText('compare the two speakers', { exact: false })).toBeVisible();

  // A blank message is refused next to the field, and nothing is sent.
  await panel.getByRole('button', { name: 'Send' }).click();
  await expect(panel.getByText('Write a message first')).toBeVisible();
  await expect(panel.getByTestId('assistant-panel-turn')).toHaveCount(0);

  await panel.getByLabel('Your message').fill('compare the two speakers');
  await panel.getByRole('button', { name: 'Send' }).click();
  const answer = panel.getByTestId('assistant-panel-turn').last();
  await expect(panel.getByTestId('assistant-panel-turn')).toHaveCount(2);
  await expect(answer.getByRole('link', { name: 'Tidepool Portable Speaker' })).toBeVisible();
  await expect(answer.getByRole('link', { name: 'Resonant Bookshelf Speakers' })).toBeVisible();
  await expect(answer).toContainText('$59.00');
  await expect(page).toHaveURL(/\/products\/aurora-wireless-headphones$/);
  await expect(panel.getByLabel('Your message')).toHaveValue('');

  // Escape closes the panel and gives the focus back to its button.
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(toggle).toBeFocused();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');

  // The same conversation on another page, and on the assistant's own page.
  await page.goto('/cart');
  await scriptsLive(page);
  await page.getByRole('link', { name: 'Ask the assistant' }).click();
  await expect(page.getByRole('dialog', { name: 'Shopping assistant' }).getByTestId('assistant-panel-turn')).toHaveCount(2);
  await page.getByRole('dialog').getByRole('link', { name: 'Tidepool Portable Speaker' }).click();
  await expect(page).toHaveURL(/\/products\/tidepool-portable-speaker$/);
  await page.goto('/assistant');
  await expect(page.getByTestId('assistant-turn')).toHaveCount(2);
  await expect(page.getByRole('link', { name: 'Ask the assistant' })).toHaveCount(0);
});

test('a signed-in customer cancels an order from the panel only when pressing its card', async ({ page }) => {
  await signUp(page, 'Panel Pat', `panel-${Date.now()}@example.com`, 'a long enough password');
  const number = await buySomething(page);
  const orderPage = page.url();
  await page.goto('/');
  await scriptsLive(page);
  await page.getByRole('link', { name: 'Ask the assistant' }).click();
  const panel = page.getByRole('dialog', { name: 'Shopping assistant' });
  await panel.getByLabel('Your message').fill(`cancel order ${number}`);
  await panel.getByRole('button', { name: 'Send' }).click();
  const card = panel.getByTestId('assistant-panel-proposal');
  await expect(card).toContainText(`Cancel order ${number} with 1 item, $`);
  await expect(panel.getByRole('button', { name: 'Talk to a person' })).toBeVisible();

  await card.getByRole('button', { name: 'Cancel order' }).click();
  await expect(panel.getByTestId('assistant-panel-turn').last()).toContainText(`Order ${number} is cancelled`);
  await expect(panel.getByTestId('assistant-panel-proposal')).toHaveCount(0);
  await page.goto(orderPage);
  await expect(page.getByTestId('order-status')).toHaveText('Cancelled');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the panel button is a link to the assistant page', async ({ page }) => {
    await page.goto('/products/aurora-wireless-headphones');
    await page.getByRole('link', { name: 'Ask the assistant' }).click();
    await expect(page).toHaveURL(/\/assistant$/);
    await expect(page.getByRole('heading', { name: 'Shopping assistant' })).toBeVisible();
  });
});
