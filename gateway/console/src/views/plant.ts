import { html, nothing, type TemplateResult } from 'lit';
import { get, query, serviceNow } from '../api';
import { amount, at, countdown, duration, words } from '../format';
import { failed, Loaded, notYet, OnDemand, type Shell, type View } from '../shell';
import type { ApprovalSummary, CaseDetail, CaseSummary, Genealogy, Kpi, LotNode, PrioritisedAction, SiteRules } from '../types';

/**
 * A plant as its leader sees it: open cases with what they touch, holds with every lot they reach, approvals counting down
 * to their due time, overdue actions by owner, and the KPIs by perspective.
 */
export class PlantView implements View {
  private readonly cases = new Loaded<CaseSummary[]>();
  private readonly approvals = new Loaded<ApprovalSummary[]>();
  private readonly stalled = new Loaded<ApprovalSummary[]>();
  private readonly actions = new Loaded<PrioritisedAction[]>();
  private readonly kpis = new Loaded<Kpi[]>();
  private readonly rules = new Loaded<SiteRules>();
  private readonly details: OnDemand<CaseDetail>;
  private readonly trees: OnDemand<Genealogy>;
  private showClosed = false;

  constructor(private readonly shell: Shell) {
    this.details = new OnDemand(shell, id => `/exceptions/${id}`);
    this.trees = new OnDemand(shell, lot => `/graph/lots/${encodeURIComponent(lot)}?direction=down`);
  }

  async load(): Promise<void> {
    const site = this.shell.site;
    await Promise.all([
      // Not yet resolved: opened, assessed, or being responded to.
      this.cases.from(() => get<CaseSummary[]>(`/exceptions${query({ site, status: this.showClosed ? undefined : 'unresolved', limit: 100 })}`)),
      this.approvals.from(() => get<ApprovalSummary[]>(`/approvals${query({ site, status: 'pending', limit: 50 })}`)),
      this.stalled.from(() => get<ApprovalSummary[]>(`/approvals/stalled${query({ site })}`)),
      this.actions.from(() => get<PrioritisedAction[]>(`/actions/prioritised${query({ site, limit: 100 })}`)),
      this.kpis.from(() => get<Kpi[]>(`/kpis${query({ site })}`)),
      this.rules.from(() => get<SiteRules>(`/actions/sites/${encodeURIComponent(site)}/rules`)),
      // What is open stays current: a case's impact and a hold's tree are read again with the rest.
      ...this.details.reload(),
      ...this.trees.reload(),
    ]);
  }

  render(): TemplateResult {
    return html`
      <h1>${this.shell.site}: the plant now</h1>
      <div class="grid">
        ${this.casesSection()}
        ${this.approvalsSection(serviceNow('/approvals'))}
        ${this.overdueSection(serviceNow('/actions'))}
        ${this.kpiSection()}
      </div>`;
  }

  private casesSection(): TemplateResult {
    const cases = this.cases.value ?? [];
    return html`<section aria-labelledby="cases-h" class="panel wide">
      <h2 id="cases-h">${this.showClosed ? 'Cases' : 'Open cases'} (${cases.length})</h2>
      <label class="inline"><input type="checkbox" .checked=${this.showClosed}
        @change=${(e: Event) => { this.showClosed = (e.target as HTMLInputElement).checked; void this.load().then(() => this.shell.redraw()); }}>
        Show resolved cases too</label>
      ${failed(this.cases.error)}
      ${cases.length === 0 && this.cases.value ? html`<p class="muted">No open cases.</p>` : nothing}
      <ul class="cards">
        ${cases.map(c => {
          const detail = this.details.get(c.caseId);
          const lot = c.kind === 'qualityHold' ? this.detailOf(c.caseId)?.state.triggerSubject.replace(/^lot\//, '') : undefined;
          return html`<li class="card" data-case=${c.caseId}>
            <p class="meta"><span class=${`badge ${c.severity}`}>${c.severity}</span> ${words(c.kind)} · opened ${at(c.openedAt)}
              ${c.escalationLevel > 0 ? html` · <strong>escalated ${c.escalationLevel}×</strong>` : nothing} · ${c.status}</p>
            <h3>${c.summary}</h3>
            <p>Value at risk: <strong>${amount(c.valueAtRisk)}</strong></p>
            <button class="link" aria-expanded=${detail ? 'true' : 'false'}
              @click=${() => void this.details.toggle(c.caseId)}>${detail ? 'Hide impact' : 'Impact and response'}</button>
            ${detail ? this.impact(detail) : nothing}
            ${lot ? html`<button class="link" aria-expanded=${this.trees.has(lot) ? 'true' : 'false'}
              @click=${() => void this.trees.toggle(lot)}>
              ${this.trees.has(lot) ? 'Hide genealogy' : `Genealogy of ${lot}`}</button>` : nothing}
            ${lot && this.trees.get(lot) ? this.tree(this.trees.get(lot)!) : nothing}
          </li>`;
        })}
      </ul>
    </section>`;
  }

  private detailOf(caseId: string): CaseDetail | null { return this.details.get(caseId)?.value ?? null; }

  private impact(loaded: Loaded<CaseDetail>): TemplateResult | typeof nothing {
    if (!loaded.value) return notYet(loaded);
    const { impact, routedTo, actions, approvals } = loaded.value.state;
    const list = (label: string, items: string[]) => items.length === 0 ? nothing : html`<p><b>${label}:</b> ${items.join(', ')}</p>`;
    return html`<div class="impact">
      ${impact.commitments.length > 0 ? html`<table>
        <caption>Customers waiting</caption>
        <thead><tr><th scope="col">Customer</th><th scope="col">Order</th><th scope="col">Promised</th><th scope="col" class="n">Value</th></tr></thead>
        <tbody>${impact.commitments.map(c => html`<tr><td>${c.customer}</td><td>${c.salesOrderId}</td><td>${at(c.promiseDate)}</td><td class="n">${amount(c.value, c.currency)}</td></tr>`)}</tbody>
      </table>` : html`<p class="muted">No customer commitment affected now.</p>`}
      ${list('Production orders', impact.productionOrders)}${list('Lots', impact.lots)}${list('Shipments', impact.shipments)}
      <p><b>Routed to:</b> ${routedTo.map(r => {
        const action = actions.find(a => a.function === r.function);
        return html`<span class="chip">${words(r.function)}${action ? ` — ${words(action.status)}` : ' — no action yet'}</span>`;
      })}</p>
      ${approvals.length > 0 ? html`<p><b>Approvals:</b> ${approvals.map(a => html`<span class="chip">${a.subjectType} ${a.subjectId}: ${a.outcome ?? 'pending'}</span>`)}</p>` : nothing}
    </div>`;
  }

  /** The genealogy as a tree: each lot under the lot it was made from; a held lot is marked. */
  private tree(loaded: Loaded<Genealogy>): TemplateResult | typeof nothing {
    if (!loaded.value) return notYet(loaded);
    const lots = loaded.value.lots;
    const children = (lot: LotNode): LotNode[] => lots.filter(l => l.reachedFrom === lot.lotId);
    const node = (lot: LotNode): TemplateResult => html`<li role="treeitem" aria-expanded="true" data-lot=${lot.lotId}>
      <span class=${lot.holdId ? 'held' : ''}>${lot.lotId}</span> <span class="muted">${lot.item ?? ''}${lot.producedByOrder ? ` · made by ${lot.producedByOrder}` : ''}</span>
      ${lot.holdId ? html` <span class="badge high">held: ${lot.holdId}</span>` : nothing}
      ${children(lot).length > 0 ? html`<ul role="group">${children(lot).map(node)}</ul>` : nothing}
    </li>`;
    const roots = lots.filter(l => l.reachedFrom === null);
    return html`<div class="tree"><p>${lots.length - 1} lot(s) made from ${loaded.value.lotId}:</p>
      <ul role="tree" aria-label=${`Genealogy of ${loaded.value.lotId}`}>${roots.map(node)}</ul></div>`;
  }

  private approvalsSection(now: Date): TemplateResult {
    const pending = this.approvals.value ?? [];
    const stalled = new Set((this.stalled.value ?? []).map(a => a.approvalId));
    return html`<section aria-labelledby="approvals-h" class="panel">
      <h2 id="approvals-h">Approvals pending (${pending.length}; ${stalled.size} past due)</h2>
      ${failed(this.approvals.error ?? this.stalled.error)}
      ${pending.length === 0 && this.approvals.value ? html`<p class="muted">Nothing waits for a decision.</p>` : nothing}
      <ul class="cards">${pending.map(a => html`<li class=${`card${stalled.has(a.approvalId) ? ' late' : ''}`} data-approval=${a.approvalId}>
        <p class="meta">${a.policyId} v${a.policyVersion} · asked by ${a.requester}</p>
        <h3>${words(a.subjectType)}: ${a.subjectId}</h3>
        <p>${a.stageName ?? 'Stage'}${a.level ? html` · <strong>escalated ${a.level}×</strong>` : nothing}
          ${a.stageDueAt ? html` · due ${at(a.stageDueAt)} (<span class="countdown">${countdown(a.stageDueAt, now)}</span>)` : nothing}</p>
      </li>`)}</ul>
    </section>`;
  }

  private overdueSection(now: Date): TemplateResult {
    const overdue = (this.actions.value ?? []).filter(p => new Date(p.action.due) < now);
    const owners = [...new Set(overdue.map(p => p.action.owner))].sort();
    return html`<section aria-labelledby="overdue-h" class="panel">
      <h2 id="overdue-h">Overdue actions by owner (${overdue.length})</h2>
      ${failed(this.actions.error)}
      ${overdue.length === 0 && this.actions.value ? html`<p class="muted">Nothing is overdue.</p>` : nothing}
      ${owners.map(owner => html`<h3 class="owner">${owner}</h3><ul class="cards">
        ${overdue.filter(p => p.action.owner === owner).map(({ action: a }) => html`<li class="card late" data-action=${a.actionId}>
          <p class="meta">${a.priority.toUpperCase()} · ${a.department ? words(a.department) : 'no department'} · ${words(a.status)}</p>
          <h3>${a.title}</h3>
          <p>Due ${at(a.due)} (<span class="countdown">${countdown(a.due, now)}</span>)</p>
          <p class="ladder">${this.ladder(a.overdueLevel)}</p>
        </li>`)}</ul>`)}
    </section>`;
  }

  /** Where an overdue action stands on the site's escalation ladder: who has been told, and who is told next and when. */
  private ladder(level: number): string {
    const steps = this.rules.value?.rules.overdueLadder ?? [];
    const step = (i: number) => `${words(steps[i].notify)} ${/^PT?0S$/.test(steps[i].after) ? 'when due' : `${duration(steps[i].after)} after due`}`;
    const done = level === 0 ? 'Not escalated yet' : `Escalated to level ${level} of ${steps.length || '?'}${steps[level - 1] ? ` (${step(level - 1)})` : ''}`;
    return `${done}; ${level < steps.length ? `next: ${step(level)}` : 'top of the ladder'}.`;
  }

  private kpiSection(): TemplateResult {
    const kpis = this.kpis.value ?? [];
    const perspectives = [...new Set(kpis.map(k => k.definition.perspective))];
    const arrow = (k: Kpi) => k.trend === null ? '' : k.trend.direction === 'improving' ? '↗ improving' : k.trend.direction === 'worsening' ? '↘ worsening' : '→ flat';
    return html`<section aria-labelledby="kpi-h" class="panel">
      <h2 id="kpi-h">KPIs</h2>
      ${failed(this.kpis.error)}
      ${perspectives.map(p => html`<h3>${words(p)}</h3><ul class="cards">${kpis.filter(k => k.definition.perspective === p).map(k => html`
        <li class="card kpi" data-kpi=${k.kpi}><span class=${`rag ${k.status}`} aria-label=${`status ${k.status}`}>${k.status}</span>
          <b>${k.definition.name}</b> ${k.latest ?? '—'}${k.definition.unit} (target ${k.definition.target}${k.definition.unit}) <span class="muted">${arrow(k)}</span></li>`)}</ul>`)}
    </section>`;
  }
}
