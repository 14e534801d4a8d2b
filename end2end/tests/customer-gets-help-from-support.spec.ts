import { test, expect, buySomething, signIn, signUp, uniqueEmail } from './fixtures';

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? 'with' : 'without';
  test.describe(`${how} JavaScript`, () => {
    test.use({ javaScriptEnabled });

    test('an angry customer asks about an order, an agent takes it first and answers with a canned reply, the customer solves and rates it', async ({ page: customer, browser, baseURL }) => {
      const email = uniqueEmail('angry');
      await signUp(customer, 'Ada Angry', email, 'analytical engine');
      await buySomething(customer);

      // From the order page: the order is filled in.
      await customer.getByRole('link', { name: 'Ask us about this order' }).click();
      await expect(customer.getByRole('heading', { name: 'Contact us' })).toBeVisible();
      await expect(customer.getByLabel('About an order (optional)')).not.toHaveValue('');
      // Blank text passes the browser's own check; the shop refuses it, next to each field.
      await customer.getByLabel('Subject').fill('   ');
      await customer.getByRole('button', { name: 'Send' }).click();
      await expect(customer.getByText('The subject must not be empty')).toBeVisible();
      await expect(customer.getByText('The message must not be empty')).toBeVisible();
      await customer.getByLabel('Subject').fill('Broken on arrival');
      await customer.getByLabel('Message').fill('The book arrived TORN and soaked. This is terrible and I am furious!!');
      await customer.getByRole('button', { name: 'Send' }).click();
      await expect(customer.getByRole('status')).toContainText('we have your message');
      const ticketUrl = customer.url();
      const number = (await customer.getByRole('heading', { level: 1 }).textContent())!.split(' ·')[0];

      // The agent finds it above the calm tickets that have as much time left: its customer
      // is angry.
      const agentContext = await browser.newContext({ baseURL, javaScriptEnabled });
      const agent = await agentContext.newPage();
      await signIn(agent, 'support@cloudmart.test', 'support-demo-pass');
      await agent.goto('/support');
      const rows = agent.getByTestId('queue-row');
      await expect(rows.first()).toBeVisible();
      const queue = await rows.evaluateAll((els) => els.map((e) => e.textContent ?? ''));
      const place = queue.findIndex((text) => text.includes(number));
      const calm = queue.findIndex((text) => text.includes('Gift wrapping'));
      expect(place, queue.join(' | ')).toBeGreaterThanOrEqual(0);
      expect(place, queue.join(' | ')).toBeLessThan(calm);
      const row = rows.filter({ hasText: number });
      await expect(row.getByTestId('mood')).toContainText('Unhappy');

      await row.getByRole('link', { name: number }).click();
      await expect(agent.getByTestId('sentiment').first()).toContainText('negative');
      await agent.getByRole('button', { name: 'Take it' }).click();
      await expect(agent.getByTestId('assignee')).toHaveText('support@cloudmart.test');

      await agent.getByLabel('Message').fill('Customer seems upset: offer a free replacement.');
      await agent.getByLabel('Internal note (agents only)').check();
      await agent.getByRole('button', { name: 'Send' }).click();
      await expect(agent.getByText('Internal note', { exact: true })).toBeVisible();

      // A canned reply, filled in with the customer's first name and the order's number.
      await agent.getByLabel('Canned reply (sent if you write nothing)').selectOption({ label: 'Sorry about the damage' });
      await agent.getByRole('button', { name: 'Send' }).click();
      await expect(agent.getByText(/Hi Ada, I am so sorry CM-\w+ arrived damaged/)).toBeVisible();
      await expect(agent.getByTestId('ticket-status')).toHaveText('Open');

      // The desk overview, from the counters the ticket writes keep.
      await agent.goto('/support');
      await agent.getByRole('link', { name: 'Desk overview' }).click();
      await expect(agent.getByRole('heading', { name: 'Support overview' })).toBeVisible();
      await expect(agent.getByTestId('sentiment-day')).toHaveCount(14);
      await expect(agent.getByTestId('open-open')).toBeVisible();
      const ratings = async () => {
        const note = await agent.getByTestId('csat').locator('xpath=following-sibling::dd').textContent();
        return Number(/(\d+) ratings/.exec(note ?? '')?.[1]);
      };
      const ratedBefore = await ratings();
      expect(Number.isInteger(ratedBefore)).toBe(true);

      // The customer sees the reply, never the note, then solves and rates it.
      await customer.goto(ticketUrl.split('?')[0]);
      await expect(customer.getByText(/Hi Ada, I am so sorry CM-\w+ arrived damaged/)).toBeVisible();
      await expect(customer.getByText('offer a free replacement')).toHaveCount(0);
      await customer.getByRole('button', { name: 'Mark as solved' }).click();
      await expect(customer.getByTestId('ticket-status')).toHaveText('Solved');
      await customer.getByLabel('Rating').selectOption('5');
      await customer.getByLabel('Comment (optional)').fill('Quick and kind.');
      await customer.getByRole('button', { name: 'Rate' }).click();
      await expect(customer.getByRole('status')).toContainText('Thank you for rating');
      await expect(customer.getByLabel('5 out of 5')).toBeVisible();
      await agent.goto('/support/overview');
      expect(await ratings()).toBeGreaterThan(ratedBefore);

      // The admin sees the ticket on the order's console page.
      const orderHref = await customer.getByRole('link', { name: /^CM-/ }).getAttribute('href');
      const adminContext = await browser.newContext({ baseURL, javaScriptEnabled });
      const admin = await adminContext.newPage();
      await signIn(admin, 'admin@cloudmart.test', 'admin-demo-pass');
      await admin.goto(orderHref!.replace('/account/orders/', '/admin/orders/'));
      await expect(admin.getByRole('link', { name: `${number} · Broken on arrival` })).toBeVisible();
      await adminContext.close();

      await customer.goto('/account/support');
      await expect(customer.getByRole('link', { name: new RegExp(`${number} · Broken on arrival`) })).toBeVisible();
      await agentContext.close();
    });
  });
}

test('a customer is turned away from the desk', async ({ page }) => {
  await signUp(page, 'Curious Customer', uniqueEmail('curious'), 'just looking around');
  const response = await page.goto('/support');
  expect(response?.status()).toBe(403);
  await expect(page.getByText('This page is for the support team.')).toBeVisible();
});
