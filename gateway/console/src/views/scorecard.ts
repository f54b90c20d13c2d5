import { html, nothing, type TemplateResult } from 'lit';
import { get, query, serviceNow } from '../api';
import { barChart, lineChart } from '../charts';
import { at, dayOf, percent, words } from '../format';
import { failed, Loaded, type Shell, type View } from '../shell';
import type { Kpi, Metrics, Scorecard } from '../types';

const Weeks = 6;
const WeekMs = 7 * 24 * 3600 * 1000;

/** The site's Balanced Scorecard for a period, its KPIs over time, and how execution went week by week. */
export class ScorecardView implements View {
  private readonly card = new Loaded<Scorecard>();
  private readonly kpis = new Loaded<Kpi[]>();
  private readonly weeks = new Loaded<Metrics[]>();
  private period = '';

  constructor(private readonly shell: Shell) {}

  async load(): Promise<void> {
    const site = this.shell.site;
    // The card first: its answer says where the actions service's clock stands, which the weeks are counted back from.
    await this.card.from(() => get<Scorecard>(`/scorecard${query({ site, period: this.period })}`));
    await Promise.all([
      this.kpis.from(async () => {
        const list = await get<Kpi[]>(`/kpis${query({ site })}`);
        return Promise.all(list.map(k => get<Kpi>(`/kpis/${encodeURIComponent(site)}/${encodeURIComponent(k.kpi)}?readings=20`)));
      }),
      this.weeks.from(() => {
        const end = serviceNow('/scorecard').getTime();
        return Promise.all(Array.from({ length: Weeks }, (_, i) => get<Metrics>(`/metrics/execution${query({
          groupBy: 'site', site, from: new Date(end - (Weeks - i) * WeekMs).toISOString(), to: new Date(end - (Weeks - i - 1) * WeekMs).toISOString() })}`)));
      }),
    ]);
  }

  render(): TemplateResult {
    const card = this.card.value;
    const weeks = this.weeks.value ?? [];
    const label = (m: Metrics) => dayOf(m.to);
    const row = (m: Metrics) => m.rows[0];
    return html`
      <h1>${this.shell.site}: scorecard ${card ? card.period : ''}</h1>
      <form class="inline" @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        this.period = new FormData(e.target as HTMLFormElement).get('period')?.toString().trim() ?? '';
        void this.load().then(() => this.shell.redraw());
      }}>
        <label for="period">Period (2026, 2026-Q4 or 2026-12; empty for now)</label>
        <input id="period" name="period" .value=${this.period} pattern="[0-9]{4}(-Q[1-4]|-[0-9]{2})?" size="9">
        <button type="submit">Show</button>
      </form>
      ${failed(this.card.error)}
      ${card ? html`<p class="muted">As of ${at(card.asOf)}.</p>
        ${card.perspectives.length === 0 ? html`<p class="muted">No objective in force for this period.</p>` : nothing}
        <div class="grid">${card.perspectives.map(p => html`<section class="panel" aria-label=${words(p.perspective)}>
          <h2><span class=${`rag ${p.status}`}>${p.status}</span> ${words(p.perspective)}</h2>
          <ul class="cards">${p.objectives.map(o => html`<li class="card" data-objective=${o.objectiveId}>
            <p class="meta">${words(o.level)} · ${o.owner}</p>
            <h3><span class=${`rag ${o.status}`}>${o.status}</span> ${o.name}</h3>
            <p>Score ${percent(o.rolledScore ?? o.score)} · actions: ${o.actions.open} open, ${o.actions.overdue} overdue, on time ${percent(o.actions.onTimeClosureRate)}</p>
            <ul>${o.kpis.map(k => html`<li>${k.kpi} (${k.site}): ${k.latest ?? '—'} · <span class=${`rag ${k.status}`}>${k.status}</span> · ${k.trend} · attained ${percent(k.attainment)}</li>`)}</ul>
          </li>`)}</ul>
        </section>`)}</div>
        ${card.unalignedActions.length > 0 ? html`<section class="panel"><h2>Open actions serving no objective (${card.unalignedActions.length})</h2>
          <ul>${card.unalignedActions.slice(0, 20).map(a => html`<li>${a.title} — ${a.owner}, due ${at(a.due)}</li>`)}</ul></section>` : nothing}` : nothing}
      <h2>Over time</h2>
      ${failed(this.kpis.error ?? this.weeks.error)}
      <div class="grid charts">
        ${(this.kpis.value ?? []).map(k => lineChart(`${k.definition.name} (${k.definition.unit}; lines at green ${k.definition.green} and red ${k.definition.red})`,
          (k.readings ?? []).map(r => ({ at: new Date(r.measuredAt), value: r.value })).reverse(), k.definition.unit, { green: k.definition.green, red: k.definition.red }))}
        ${weeks.length > 0 ? barChart(`Actions due in the week closed on time (weeks ending ${label(weeks[0])} to ${label(weeks[weeks.length - 1])})`,
          weeks.map(m => ({ name: label(m), value: row(m)?.onTimeClosureRate ?? null })), v => percent(v)) : nothing}
        ${weeks.length > 0 ? barChart('Actions opened in the week', weeks.map(m => ({ name: label(m), value: row(m)?.newInPeriod ?? 0 })), v => String(v)) : nothing}
      </div>`;
  }
}
