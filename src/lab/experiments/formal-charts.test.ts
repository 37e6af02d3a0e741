import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { charterExperiment } from './charter.ts';
import { lobbyingExperiment } from './lobbying.ts';
import { misuseExperiment } from './misuse.ts';
import { offSwitchExperiment } from './off-switch.ts';

describe('the formal experiments’ charts', () => {
  it.each([offSwitchExperiment, lobbyingExperiment, charterExperiment, misuseExperiment])(
    '$name charts compile with Vega-Lite and render to SVG',
    async (experiment) => {
      const output = await experiment.run({ seeds: 1, onProgress: () => {} });
      for (const chart of output.charts) {
        const compiled = compile(chart.spec as unknown as TopLevelSpec);
        const view = new View(parse(compiled.spec), { renderer: 'none' });
        const svg = await view.toSVG();
        view.finalize();
        expect(svg.startsWith('<svg')).toBe(true);
        expect(svg).toContain('<path');
      }
    },
  );
});
