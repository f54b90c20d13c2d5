import { html, nothing, type TemplateResult } from 'lit';
import { download, get, query } from '../api';
import { at, words } from '../format';
import { failed, Loaded, type Shell, type View } from '../shell';
import type { Timeline, TimelineEntry, Verification } from '../types';

/**
 * An auditor's question — what happened to this sales order, this lot, this case — answered from the ledger: the subject's entries
 * as a chain (each after what caused it, each hash over the one before), whether the chain verifies, and the export that proves it offline.
 */
export class AuditView implements View {
  private readonly timeline = new Loaded<Timeline>();
  private readonly verification = new Loaded<Verification>();
  private asked = '';

  constructor(private readonly shell: Shell) {
    this.asked = new URLSearchParams(location.hash.split('?')[1] ?? '').get('subject') ?? '';
  }

  async load(): Promise<void> {
    const asked = this.asked;
    await Promise.all([
      asked ? this.timeline.from(() => get<Timeline>(`/audit/timeline${query(asked.includes('/') ? { subject: asked } : { correlationId: asked })}`)) : Promise.resolve(),
      this.verification.from(() => get<Verification>('/audit/verify')),
    ]);
  }

  render(): TemplateResult {
    const t = this.timeline.value;
    const v = this.verification.value;
    const correlations = t ? [...new Set(t.entries.map(e => e.correlationId).filter((c): c is string => !!c))] : [];
    return html`
      <h1>Audit</h1>
      ${v ? html`<p class=${v.ok ? 'ok' : 'problem'} role="status">The ledger ${v.ok ? 'verifies' : 'does NOT verify'}: ${v.entriesChecked} entries and
        ${v.checkpointsChecked} signed checkpoints checked, up to entry ${v.headSequence}.</p>` : failed(this.verification.error)}
      <form class="inline" @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        this.asked = new FormData(e.target as HTMLFormElement).get('subject')?.toString().trim() ?? '';
        history.replaceState(null, '', `#/audit?subject=${encodeURIComponent(this.asked)}`);
        void this.load().then(() => this.shell.redraw());
      }}>
        <label for="subject">Subject (sales-order/SO-1001, lot/L-5521, work-center/CNC-4) or correlation id</label>
        <input id="subject" name="subject" .value=${this.asked} required size="32">
        <button type="submit">Show its trail</button>
      </form>
      ${failed(this.timeline.error)}
      ${t ? html`
        <p>${t.entries.length} entries for ${t.subject ?? t.correlationId}; ${t.complete ? 'every source complete up to them' : html`<strong>a source has gaps</strong>`}.</p>
        ${correlations.length > 0 ? html`<p>Export with proofs (NDJSON): ${correlations.slice(0, 8).map(c => html`<button class="link"
          @click=${() => void download(`/audit/export${query({ correlationId: c })}`, `audit-${c}.ndjson`)}>${c}</button> `)}</p>` : nothing}
        <ol class="chain" aria-label="The trail, each entry after what caused it">
          ${t.entries.map(e => html`<li class="card" data-sequence=${e.sequence} data-caused-by=${e.causedBy ?? ''}>
            <p class="meta">#${e.sequence} · ${e.source} · ${at(e.occurredAt)}${e.causedBy ? html` · after <a href=${`#entry-${e.causedBy}`}>#${e.causedBy}</a>` : nothing}</p>
            <h3 id=${`entry-${e.sequence}`}>${title(e)}</h3>
            <p>by ${e.actor ?? 'the system'}${e.onBehalfOf ? ` for ${e.onBehalfOf}` : ''}${e.site ? ` at ${e.site}` : ''} · ${e.subjects.join(', ')}</p>
            <p class="hash" title="Each entry's hash covers the one before it">hash ${e.hash.slice(0, 12)}… over ${e.prevHash.slice(0, 12)}…</p>
          </li>`)}
        </ol>` : nothing}`;
  }
}

/** What happened, in words: an ERP's event by its own type (SalesOrderConfirmed), a service's by its event type without the service. */
const title = (e: TimelineEntry): string =>
  typeof e.payload?.type === 'string' && e.eventType.endsWith('operational-event-received')
    ? `${words(e.payload.type)} (from the ERP/MES)` : words(e.eventType.replace(/^[a-z]+\./, ''));
