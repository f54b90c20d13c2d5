import { svg, html, type TemplateResult } from 'lit';

// Small charts drawn from the API's numbers: a line over time and a row of bars. Each carries a text
// alternative (a title and the values as a list) so a screen reader gets what the picture says.

export interface Point { at: Date; value: number; }

const Width = 320;
const Height = 120;
const Pad = 24;

export function lineChart(label: string, points: Point[], unit: string, bands?: { green: number; red: number }): TemplateResult {
  if (points.length === 0) return html`<p class="muted">${label}: no readings yet.</p>`;
  const values = points.map(p => p.value).concat(bands ? [bands.green, bands.red] : []);
  const [low, high] = [Math.min(...values), Math.max(...values)];
  const span = high - low || 1;
  const times = points.map(p => p.at.getTime());
  const [first, last] = [Math.min(...times), Math.max(...times)];
  const x = (t: number) => Pad + ((t - first) / (last - first || 1)) * (Width - 2 * Pad);
  const y = (v: number) => Height - Pad - ((v - low) / span) * (Height - 2 * Pad);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.at.getTime()).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  return html`<figure class="chart">
    <svg viewBox="0 0 ${Width} ${Height}" role="img" aria-label=${`${label}: ${points.map(p => `${p.value}${unit}`).join(', ')}`}>
      ${bands ? svg`<line class="band green" x1=${Pad} x2=${Width - Pad} y1=${y(bands.green)} y2=${y(bands.green)}></line>
                    <line class="band red" x1=${Pad} x2=${Width - Pad} y1=${y(bands.red)} y2=${y(bands.red)}></line>` : ''}
      <path class="line" d=${path}></path>
      ${points.map(p => svg`<circle class="dot" cx=${x(p.at.getTime())} cy=${y(p.value)} r="3"></circle>`)}
      <text x=${Pad} y="12" class="axis">${high}${unit}</text>
      <text x=${Pad} y=${Height - 6} class="axis">${low}${unit}</text>
    </svg>
    <figcaption>${label}</figcaption>
  </figure>`;
}

/** A bar with no value (nothing was due, so no rate) is drawn empty and labelled "—". */
export function barChart(label: string, bars: { name: string; value: number | null }[], format: (v: number) => string): TemplateResult {
  if (bars.length === 0) return html`<p class="muted">${label}: nothing in these periods.</p>`;
  const high = Math.max(...bars.map(b => b.value ?? 0), 0) || 1;
  const shown = (v: number | null) => (v === null ? '—' : format(v));
  const band = (Width - 2 * Pad) / bars.length;
  return html`<figure class="chart">
    <svg viewBox="0 0 ${Width} ${Height}" role="img" aria-label=${`${label}: ${bars.map(b => `${b.name} ${shown(b.value)}`).join(', ')}`}>
      ${bars.map((b, i) => {
        const h = ((b.value ?? 0) / high) * (Height - 2 * Pad);
        return svg`<rect class="bar" x=${Pad + i * band + 2} y=${Height - Pad - h} width=${Math.max(band - 4, 1)} height=${h}></rect>
                   <text class="axis" x=${Pad + i * band + band / 2} y=${Height - 8} text-anchor="middle">${b.name}</text>
                   <text class="axis" x=${Pad + i * band + band / 2} y=${Height - Pad - h - 3} text-anchor="middle">${shown(b.value)}</text>`;
      })}
    </svg>
    <figcaption>${label}</figcaption>
  </figure>`;
}
