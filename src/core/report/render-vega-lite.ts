import type { LoggerInterface } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { InvalidInputError } from '../heed-error.ts';
import { importOptional, MissingPackageError } from '../import-optional.ts';

export type ChartRenderer = (spec: Record<string, unknown>) => Promise<string>;

const purpose = 'Drawing the report charts';

// vega and vega-lite log layout advice (`WARN Domains that should be unioned…`) to the console; a report's
// reader cannot act on it, so it is dropped. Real failures still throw.
const silent: LoggerInterface = {
  level(..._level: [number?]) {
    return _level.length === 0 ? 0 : silent;
  },
  error: () => silent,
  warn: () => silent,
  info: () => silent,
  debug: () => silent,
} as LoggerInterface;

/**
 * The chart renderer, or why there is none: vega and vega-lite are optional packages (a kernel user does not
 * need them), so a report without them is written without its charts and says how to get them.
 */
export async function loadChartRenderer(): Promise<{ render: ChartRenderer } | { missing: MissingPackageError }> {
  try {
    // Loaded on first use: vega is large, and most heed commands never draw a chart.
    const [{ parse, View }, { compile }] = await Promise.all([
      importOptional(() => import('vega'), 'vega', purpose),
      importOptional(() => import('vega-lite'), 'vega-lite', purpose),
    ]);
    const render: ChartRenderer = async (spec) => {
      let compiled: ReturnType<typeof compile>;
      try {
        compiled = compile(spec as unknown as TopLevelSpec, { logger: silent });
      } catch (error) {
        throw new InvalidInputError(
          `Invalid chart specification: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      const view = new View(parse(compiled.spec), { renderer: 'none', logger: silent });
      try {
        return await view.toSVG();
      } finally {
        view.finalize();
      }
    };
    return { render };
  } catch (error) {
    if (!(error instanceof MissingPackageError)) throw error;
    // Both are needed; name both, whichever was found missing first.
    return { missing: new MissingPackageError(['vega', 'vega-lite'], purpose, { cause: error }) };
  }
}

/** Renders a Vega-Lite specification (data inlined) to a standalone SVG string, with no browser. */
export async function renderVegaLiteToSvg(spec: Record<string, unknown>): Promise<string> {
  const charts = await loadChartRenderer();
  if ('missing' in charts) throw charts.missing;
  return charts.render(spec);
}
