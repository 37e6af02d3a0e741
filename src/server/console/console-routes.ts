import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { type ConsolePage, consolePages, renderConsolePage } from './console-pages.ts';

const assetFolder = new URL('./assets/', import.meta.url);
const contentTypes: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};
// Asset names are fixed words: nothing a request names can reach outside the folder.
const assetName = /^[a-z][a-z0-9-]*\.(js|css)$/;

/** The paths the console answers: `/` (which leads to it) and everything under `/console`. */
export function isConsolePath(pathname: string): boolean {
  return pathname === '/' || pathname === '/console' || pathname.startsWith('/console/');
}

/**
 * The web console, served by the control plane itself beside its API: pages and small client modules, no CDN. Its
 * CSP allows only this origin's scripts and styles, no inline code and no framing; the session token lives in the
 * page's sessionStorage and travels in the Authorization header, so there is no cookie to ride on. It holds no state
 * and calls the API like any other client.
 */
export function createConsoleApp(): Hono {
  const app = new Hono();
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    referrerPolicy: 'no-referrer',
  });
  app.use('/console', headers);
  app.use('/console/*', headers);
  app.get('/', (context) => context.redirect('/console/fleet'));
  app.get('/console', (context) => context.redirect('/console/fleet'));
  app.get('/console/', (context) => context.redirect('/console/fleet'));
  app.get('/console/assets/:name', async (context) => {
    const name = context.req.param('name');
    const match = assetName.exec(name);
    if (match === null) return context.json({ error: `no console asset '${name.slice(0, 80)}'` }, 404);
    let body: string;
    try {
      body = await readFile(new URL(name, assetFolder), 'utf8');
    } catch {
      return context.json({ error: `no console asset '${name}'` }, 404);
    }
    return context.body(body, 200, {
      'content-type': contentTypes[match[1]!]!,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
  });
  app.get('/console/:page', (context) => {
    const page = context.req.param('page');
    if (!Object.hasOwn(consolePages, page)) {
      return context.json(
        { error: `no console page '${page.slice(0, 80)}'; pages: ${Object.keys(consolePages).join(', ')}` },
        404,
      );
    }
    return context.html(renderConsolePage(page as ConsolePage));
  });
  app.notFound((context) => context.json({ error: `no console route ${context.req.path.slice(0, 80)}` }, 404));
  return app;
}
