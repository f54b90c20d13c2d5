import { html, nothing, type TemplateResult } from 'lit';
import { get, query, serviceNow } from '../api';
import { amount, at, countdown, words } from '../format';
import { failed, Loaded, notYet, OnDemand, type Shell, type View } from '../shell';
import type { ActionSummary, DecisionContexts, PendingApproval } from '../types';

/** What waits on the person signed in: approvals to decide (with what changed since they were asked), actions to do, and to verify. */
export class MyWorkView implements View {
  private readonly pending = new Loaded<PendingApproval[]>();
  private readonly mine = new Loaded<ActionSummary[]>();
  private readonly toVerify = new Loaded<ActionSummary[]>();
  private readonly contexts: OnDemand<DecisionContexts & { asRequested: Record<string, unknown> }>;

  constructor(private readonly shell: Shell) {
    this.contexts = new OnDemand(shell, id => `/approvals/${id}/context`);
  }

  async load(): Promise<void> {
    const person = this.shell.person;
    await Promise.all([
      this.pending.from(() => get<PendingApproval[]>(`/approvals/pending${query({ approver: person })}`)),
      this.mine.from(() => get<ActionSummary[]>(`/actions${query({ owner: person, status: 'open', limit: 100 })}`)),
      this.toVerify.from(() => get<ActionSummary[]>(`/actions${query({ site: this.shell.site, status: 'completionClaimed', limit: 100 })}`)),
      ...this.contexts.reload(),
    ]);
  }

  render(): TemplateResult {
    const [now, actionsNow] = [serviceNow('/approvals'), serviceNow('/actions')];
    const pending = this.pending.value ?? [];
    const mine = this.mine.value ?? [];
    const toVerify = this.toVerify.value ?? [];
    return html`
      <h1>My work: ${this.shell.person}</h1>
      <div class="grid">
        <section aria-labelledby="decide-h" class="panel">
          <h2 id="decide-h">To decide (${pending.length})</h2>
          ${failed(this.pending.error)}
          ${pending.length === 0 && this.pending.value ? html`<p class="muted">No approval waits on you.</p>` : nothing}
          <ul class="cards">${pending.map(({ request: a, onBehalfOf }) => html`<li class="card" data-approval=${a.approvalId}>
            <p class="meta">${a.policyId} v${a.policyVersion} · asked by ${a.requester}${onBehalfOf ? ` · for ${onBehalfOf}` : ''}</p>
            <h3>${words(a.subjectType)}: ${a.subjectId}</h3>
            ${a.stageDueAt ? html`<p>Due ${at(a.stageDueAt)} (<span class="countdown">${countdown(a.stageDueAt, now)}</span>)${a.level ? ` · escalated ${a.level}×` : ''}</p>` : nothing}
            <button class="link" aria-expanded=${this.contexts.has(a.approvalId) ? 'true' : 'false'} @click=${() => void this.contexts.toggle(a.approvalId)}>
              ${this.contexts.has(a.approvalId) ? 'Hide context' : 'Context and what changed'}</button>
            ${this.context(a.approvalId)}
            <p class="muted">Decide with the link your notice carries (chat or mail): it is signed for your seat.</p>
          </li>`)}</ul>
        </section>
        <section aria-labelledby="do-h" class="panel">
          <h2 id="do-h">To do (${mine.length})</h2>
          ${failed(this.mine.error)}
          ${mine.length === 0 && this.mine.value ? html`<p class="muted">No open action is yours.</p>` : nothing}
          <ul class="cards">${mine.map(a => this.action(a, actionsNow))}</ul>
        </section>
        <section aria-labelledby="verify-h" class="panel">
          <h2 id="verify-h">To verify at ${this.shell.site} (${toVerify.length})</h2>
          ${failed(this.toVerify.error)}
          ${toVerify.length === 0 && this.toVerify.value ? html`<p class="muted">No claimed completion waits for verification.</p>` : nothing}
          <ul class="cards">${toVerify.map(a => this.action(a, actionsNow))}</ul>
        </section>
      </div>`;
  }

  private context(approvalId: string): TemplateResult | typeof nothing {
    const loaded = this.contexts.get(approvalId);
    if (!loaded) return nothing;
    if (!loaded.value) return notYet(loaded);
    const c = loaded.value;
    const risk = c.asRequested['valueAtRisk'];
    const drift = !c.live
      ? html`<p class="drift">The data now could not be had: ${c.unavailable}</p>`
      : !c.drift?.any ? html`<p>Nothing has changed since it was requested.</p>`
      : html`<ul class="drift">
          ${c.drift.cleared ? html`<li><strong>The deviation has cleared.</strong></li>` : nothing}
          ${c.drift.valueAtRiskThen !== c.drift.valueAtRiskNow ? html`<li>Value at risk: ${amount(c.drift.valueAtRiskThen)} then, ${amount(c.drift.valueAtRiskNow)} now.</li>` : nothing}
          ${c.drift.customersAdded.length > 0 ? html`<li>Customers now affected: ${c.drift.customersAdded.join(', ')}.</li>` : nothing}
          ${c.drift.customersGone.length > 0 ? html`<li>Customers no longer affected: ${c.drift.customersGone.join(', ')}.</li>` : nothing}
        </ul>`;
    return html`<div class="impact">
      ${typeof risk === 'number' ? html`<p>Value at risk when asked: <strong>${amount(risk)}</strong></p>` : nothing}
      ${drift}
      ${c.needsConfirming.length > 0 ? html`<p class="drift">To confirm on the data now: ${c.needsConfirming.join(' ')}</p>` : nothing}
    </div>`;
  }

  private action(a: ActionSummary, now: Date): TemplateResult {
    const late = new Date(a.due) < now;
    return html`<li class=${`card${late ? ' late' : ''}`} data-action=${a.actionId}>
      <p class="meta">${a.priority.toUpperCase()} · ${words(a.status)} · ${a.owner} · ${a.percentComplete} %</p>
      <h3>${a.title}</h3>
      <p>Due ${at(a.due)} (<span class="countdown">${countdown(a.due, now)}</span>)${a.kpis.length > 0 ? ` · moves ${a.kpis.join(', ')}` : ''}</p>
    </li>`;
  }
}
