// `npm run bench -- NAME...`: runs bench/NAME.bench.ts (all when no name) and prints one JSON line per figure.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  [extra: string]: unknown;
}

export type Bench = (report: (figure: BenchFigure) => void) => Promise<void>;

const folder = fileURLToPath(new URL('.', import.meta.url));
const known = readdirSync(folder)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length))
  .sort();
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !known.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown bench '${unknown[0]}'. Known benches: ${known.join(', ')}.`);
  process.exit(2);
}
for (const name of requested.length > 0 ? requested : known) {
  const module = (await import(`./${name}.bench.ts`)) as { default: Bench };
  await module.default((figure) => console.log(JSON.stringify(figure)));
}
