import { test, expect, buySomething, signIn, signUp, uniqueEmail } from './fixtures';

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? 'with' : 'without';
  test.describe(`${how} JavaScript`, () => {
    test.use({ javaScriptEnabled });

    test('a customer asks about an order, cancels it through the confirmation card, then asks for a person and the agent sees the ticket', async ({ page, browser, baseURL }) => {
      await signUp(page, 'Chen Chat', uniqueEmail('chat'), 'analytical engine');
      const number = await buySomething(page);
      const orderPage = page.url();

      await page.goto('/account/support/chat');
      await expect(page.getByRole('heading', { name: 'Support chat' })).toBeVisible();
      const latest = () => page.getByTestId('assistant-turn').last();

      await page.getByLabel('Your message').fill(`where is order ${number}?`);
      await page.getByRole('button', { name: 'Send' }).click();
      await expect(latest()).toContainText(`Order ${number} is pending`);

      // Asking changes nothing: a card asks the customer to confirm.
      await page.getByLabel('Your message').fill(`please cancel order ${number}`);
      await page.getByRole('button', { name: 'Send' }).click();
      const card = latest().getByTestId('assistant-proposal');
      await expect(card).toContainText(`Cancel order ${number} with 1 item, $`);
      await page.goto(orderPage);
      await expect(page.getByTestId('order-status')).toHaveText('Pending');

      await page.goto('/account/support/chat');
      await latest().getByRole('button', { name: 'Cancel order' }).click();
      await expect(latest()).toContainText(`Order ${number} is cancelled`);
      await expect(page.getByTestId('assistant-proposal')).toHaveCount(0);
      await page.goto(orderPage);
      await expect(page.getByTestId('order-status')).toHaveText('Cancelled');
      await expect(page.getByText("from the shopping assistant's confirmation card")).toBeVisible();

      await page.goto('/account/support/chat');
      await page.getByLabel('Your message').fill('This is awful and I am furious. I want to talk to a person!');
      await page.getByRole('button', { name: 'Send' }).click();
      await expect(latest()).toContainText('ticket #');
      const ticket = /#\d+/.exec((await latest().textContent())!)![0];

      const agentContext = await browser.newContext({ baseURL, javaScriptEnabled });
      const agent = await agentContext.newPage();
      await signIn(agent, 'support@cloudmart.test', 'support-demo-pass');
      await agent.goto('/support');
      const row = agent.getByTestId('queue-row').filter({ hasText: ticket });
      await expect(row).toBeVisible();
      await expect(row.getByTestId('mood')).toContainText('Unhappy');
      await agentContext.close();
    });

    test('a visitor is sent to sign in for the support chat', async ({ page }) => {
      await page.goto('/account/support/chat');
      await expect(page).toHaveURL(/\/account\/sign-in\?next=/);
    });
  });
}
