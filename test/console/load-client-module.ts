// Loads one of the console's browser modules in Node, from the file heed serve sends to the browser.
const assets = new URL('../../src/server/console/assets/', import.meta.url);

export async function loadClientModule<T>(name: string): Promise<T> {
  return (await import(new URL(name, assets).href)) as T;
}
