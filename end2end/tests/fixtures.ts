import { test as base, expect } from '@playwright/test';

export { expect };
export type { Page } from '@playwright/test';
import type { Page } from '@playwright/test';

/** Signs in through the sign-in page and waits until the header offers to sign out. */
export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/account/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** Creates an account through the sign-up page and waits until the header greets it. */
export async function signUp(page: Page, name: string, email: string, password: string) {
  await page.goto('/account/sign-up');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText(`Hi, ${name}`)).toBeVisible();
}

/** Buys one book through the cart and checkout; returns the new order's number. */
export async function buySomething(page: Page): Promise<string> {
  await page.goto('/products/the-quiet-orchard');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page).toHaveURL(/\/cart$/);
  await page.getByRole('link', { name: 'Check out' }).click();
  await page.getByLabel('Address', { exact: true }).fill('1 Analytical Way');
  await page.getByLabel('City').fill('Arlington');
  await page.getByLabel('Postal code').fill('22201');
  await page.getByLabel('Country').fill('United States');
  await page.getByRole('button', { name: 'Place order' }).click();
  const heading = page.getByRole('heading', { name: /^Order CM-/ });
  await expect(heading).toBeVisible();
  return /CM-[A-Z0-9]+/.exec((await heading.textContent())!)![0];
}

/** A fresh email address, unique to one run of one test. */
export const uniqueEmail = (prefix: string) =>
  `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

/** Waits until the page's scripts are live (forms sent in place, islands started). */
export async function scriptsLive(page: Page) {
  await page.locator('html[data-islands="hydrated"]').waitFor({ state: 'attached' });
}

/**
 * Every journey runs against the server's enforced Content-Security-Policy and fails on any
 * violation the browser reports: a blocked script, style or connection is a bug of ours.
 */
export const test = base.extend<{ cspViolations: string[] }>({
  cspViolations: [
    async ({ context }, use) => {
      const violations: string[] = [];
      await context.exposeBinding('__cspViolation', (_source, text: string) => {
        violations.push(text);
      });
      await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          const report = (window as unknown as { __cspViolation: (t: string) => void }).__cspViolation;
          report(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} in ${e.sourceFile}:${e.lineNumber}`);
        });
      });
      await use(violations);
      expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});
