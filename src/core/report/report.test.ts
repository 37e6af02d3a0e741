import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../heed-error.ts';
import { formatTextTable } from './format-text-table.ts';
import { escapeHtml, renderHtmlReport } from './html-report.ts';
import { renderVegaLiteToSvg } from './render-vega-lite.ts';

const table = {
  title: 'Results',
  columns: ['agent', 'rate', 'ok'],
  rows: [
    ['q-learning', 0.5, true],
    ['sarsa', 12.25, null],
  ],
  note: 'A note.',
};

describe('formatTextTable', () => {
  it('aligns text left and numbers right, and shows booleans and missing values', () => {
    expect(formatTextTable(table)).toBe(
      [
        'Results',
        'agent        rate  ok',
        '----------  -----  ---',
        'q-learning    0.5  yes',
        'sarsa       12.25  —',
        'A note.',
        '',
      ].join('\n'),
    );
  });
});

describe('renderHtmlReport', () => {
  it('renders a self-contained page with escaped text, tables and figures', () => {
    const html = renderHtmlReport({
      title: 'A <b>report</b>',
      introduction: ['Intro & more'],
      sections: [{ id: 'one', heading: 'One', tables: [table], figures: [{ title: 'F', svg: '<svg></svg>' }] }],
      footer: 'foot',
    });
    expect(html).toContain('<title>A &lt;b&gt;report&lt;/b&gt;</title>');
    expect(html).toContain('<p>Intro &amp; more</p>');
    expect(html).toContain('<td class="number">12.25</td>');
    expect(html).toContain('<td class="yes">yes</td>');
    expect(html).toContain('<svg></svg>');
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(escapeHtml(`"'`)).toBe('&quot;&#39;');
  });
});

describe('renderVegaLiteToSvg', () => {
  it('wraps a table of sentences, renders paragraphs and lists, and escapes them', () => {
    const html = renderHtmlReport({
      title: 't',
      introduction: [],
      sections: [
        {
          id: 'claims',
          heading: 'Claims',
          paragraphs: ['How <claims> are tagged.'],
          tables: [
            {
              title: 'claims',
              columns: ['claim', 'tag'],
              rows: [['A sentence long enough to need wrapping across the page, not one line.', 'derived']],
            },
            { title: 'short', columns: ['agent', 'rate'], rows: [['sarsa', 1]] },
          ],
          figures: [],
          lists: [
            { heading: 'Limitations', items: ['one & two'] },
            { heading: 'References', items: ['a', 'b'], ordered: true },
          ],
        },
      ],
    });
    expect(html).toContain('<table class="prose">');
    expect(html.match(/<table>/g)).toHaveLength(1);
    expect(html).toContain('<p>How &lt;claims&gt; are tagged.</p>');
    expect(html).toContain('<h3>Limitations</h3>\n<ul class="list">\n<li>one &amp; two</li>');
    expect(html).toContain('<ol class="list">');
  });

  it('renders a Vega-Lite line chart to SVG without a browser', async () => {
    const svg = await renderVegaLiteToSvg({
      data: {
        values: [
          { x: 1, y: 2 },
          { x: 2, y: 5 },
        ],
      },
      mark: 'line',
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('</svg>');
  });

  it('refuses a specification Vega-Lite cannot compile', async () => {
    await expect(renderVegaLiteToSvg({ mark: 'no-such-mark' })).rejects.toThrow(InvalidInputError);
  });
});
