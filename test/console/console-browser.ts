// The console's browser tests drive Debian's Chromium through playwright-core: one browser per test file.
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { PrincipalKeyPair } from '../../src/core/ed25519.ts';

export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);
const missing = `Chromium is not installed at ${chromiumPath}: the console's browser tests need it (apt-get install -y chromium).`;

/** Under CI a missing Chromium fails the suite; locally the suite is skipped with this notice. */
export function browserSuiteSkipped(): boolean {
  if (hasChromium) return false;
  if (process.env.CI) return false;
  console.warn(`SKIPPED: ${missing}`);
  return true;
}

export async function launchBrowser(): Promise<Browser> {
  if (!hasChromium) throw new Error(missing);
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page whose console errors and CSP violations fail the test that reads `problems`. */
export async function openPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 40[14]/.test(message.text())) problems.push(message.text());
  });
  return { page, problems };
}

/** Imports the principal's NAME.key.jwk through the login page's file input, then logs in. */
export async function importKeyAndLogIn(page: Page, server: string, principal: string, key: PrincipalKeyPair) {
  await page.goto(`${server}/console/login`);
  await page.getByLabel('Principal name').fill(principal);
  await page.getByLabel(/Private key file/).setInputFiles({
    name: `${principal}.key.jwk`,
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(key.privateJwk)),
  });
  await page.getByRole('button', { name: 'Import key' }).click();
  await page.getByText(`This browser holds the key of ${principal}`).waitFor();
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/console\/fleet$/);
}
