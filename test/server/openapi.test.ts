// The OpenAPI document: generated from the route table and the zod schemas the routes parse with; every route the
// server answers has its entry (and no entry lacks a route); docs/openapi.json is what the script writes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocPath, openApiDocText } from '../../scripts/write-openapi-doc.ts';
import { systemClock } from '../../src/core/clock.ts';
import { apiRoutes, openApiDocument } from '../../src/server/api-spec.ts';
import { PrincipalAuth } from '../../src/server/principal-auth.ts';
import { createServerApp } from '../../src/server/server-app.ts';
import type { ServerStore } from '../../src/server/store/server-store.ts';
import { openSqliteServerStore } from '../../src/server/store/sqlite-server-store.ts';

let folder: string;
let store: ServerStore;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'heed-openapi-'));
  store = openSqliteServerStore(folder);
});
afterAll(async () => {
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

const app = () => createServerApp({ store, auth: new PrincipalAuth({ challenges: store }), clock: systemClock });

describe('the OpenAPI document', () => {
  it('has one entry for every route the server answers, and none for a route it does not', () => {
    const served = new Set(app().routes.map((route) => `${route.method.toLowerCase()} ${route.path}`));
    const documented = apiRoutes.map((route) => `${route.method} ${route.path}`);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...served].sort()).toEqual([...documented].sort());
  });

  it('is served at /openapi.json, with request bodies from the schemas the routes parse with', async () => {
    const response = await app().request('/openapi.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      components: { schemas: Record<string, { required?: string[] }> };
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: unknown }> }; security?: unknown }>
      >;
    };
    expect(document).toEqual(openApiDocument());
    expect(document.openapi).toBe('3.1.0');
    const schemaOf = (schema: unknown) => {
      const reference = (schema as { $ref?: string }).$ref;
      return reference === undefined
        ? (schema as { required?: string[] })
        : document.components.schemas[reference.split('/').at(-1)!]!;
    };
    const bodyOf = (path: string) =>
      schemaOf(document.paths[path]!.post!.requestBody!.content['application/json']!.schema);
    expect(bodyOf('/pending-orders').required).toEqual(expect.arrayContaining(['v', 'id', 'agent', 'kind', 'sigs']));
    expect(bodyOf('/pending-orders/{id}/signatures').required).toEqual(['principal', 'alg', 'sig']);
    expect(bodyOf('/agents').required).toEqual(['registration']);
    expect(document.paths['/agents/{id}/audit']!.post!.security).toEqual([{ agentToken: [] }]);
    expect(Object.keys(document.paths)).toContain('/agents/{id}/checks');
    // Every reference names a schema the document holds.
    const references = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([A-Za-z]+)"/g)];
    expect(references.length).toBeGreaterThan(10);
    for (const [, name] of references) expect(document.components.schemas).toHaveProperty(name!);
  });

  it('is written to docs/openapi.json (run node scripts/write-openapi-doc.ts after changing a route)', () => {
    expect(readFileSync(openApiDocPath, 'utf8')).toBe(openApiDocText());
  });
});
