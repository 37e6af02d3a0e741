import type { TopLevelSpec } from 'vega-lite';
import { InvalidInputError } from '../heed-error.ts';

/** Renders a Vega-Lite specification (data inlined) to a standalone SVG string, with no browser. */
export async function renderVegaLiteToSvg(spec: Record<string, unknown>): Promise<string> {
  // Loaded on first use: vega is large, and most heed commands never draw a chart.
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  let compiled: ReturnType<typeof compile>;
  try {
    compiled = compile(spec as unknown as TopLevelSpec);
  } catch (error) {
    throw new InvalidInputError(
      `Invalid chart specification: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  const view = new View(parse(compiled.spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
