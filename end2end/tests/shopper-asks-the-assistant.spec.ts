import { test, expect } from './fixtures';

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? 'with' : 'without';
  test.describe(`${how} JavaScript`, () => {
    test.use({ javaScriptEnabled });

    test('a shopper asks for a gift under a price and follows a product card to its page', async ({ page }) => {
      await page.goto('/');
      await page.getByRole('contentinfo').getByRole('link', { name: 'Shopping assistant' }).click();
      await expect(page.getByRole('heading', { name: 'Shopping assistant' })).toBeVisible();
      await page.getByLabel('Your message').fill('a gift for a runner under $50');
      await page.getByRole('button', { name: 'Send' }).click();

      const answer = page.getByTestId('assistant-turn').last();
      await expect(answer).toContainText('within your budget');
      const cards = answer.getByRole('listitem');
      await expect(cards.first()).toBeVisible();
      // Every card's price is the catalog's, and within the budget.
      for (const text of await cards.allTextContents()) {
        const price = Number(/\$(\d+(?:\.\d\d)?)/.exec(text)?.[1]);
        expect(price, text).toBeLessThanOrEqual(50);
      }
      const first = cards.first().getByRole('link').first();
      const name = (await first.textContent())!.trim();
      await first.click();
      await expect(page).toHaveURL(/\/products\/[a-z0-9-]+$/);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);

      // The conversation is the server's: it is there when the shopper comes back.
      await page.goto('/assistant');
      await expect(page.getByTestId('assistant-turn')).toHaveCount(2);
      await page.getByRole('button', { name: 'Start over' }).click();
      await expect(page.getByTestId('assistant-turn')).toHaveCount(0);
    });

    test('a wish the shop cannot meet is said so, with a category to browse', async ({ page }) => {
      await page.goto('/assistant');
      await page.getByLabel('Your message').fill('a tent under $20');
      await page.getByRole('button', { name: 'Send' }).click();
      await expect(page.getByTestId('assistant-turn').last()).toContainText('could not find anything');
      await expect(page.getByTestId('assistant-turn').last()).toContainText('Outdoor');
      await page.getByLabel('Your message').fill('   ');
      await page.getByRole('button', { name: 'Send' }).click();
      await expect(page.getByText('Write a message first')).toBeVisible();
    });
  });
}
