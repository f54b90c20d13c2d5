import { html, nothing, type TemplateResult } from 'lit';
import { get } from './api';

/** What every view is given: the site chosen, who is signed in, and a way to ask for a redraw after its own changes. */
export interface Shell {
  readonly site: string;
  readonly person: string;
  redraw(): void;
}

/** A page of the console: it reads its data (again, every refresh) and draws it, counting due times down from the services' clocks. */
export interface View {
  load(): Promise<void>;
  render(): TemplateResult;
}

/** A view's reads, kept as the last answer and the last failure, so a failed refresh keeps what was shown and says why. */
export class Loaded<T> {
  value: T | null = null;
  error: string | null = null;

  async from(read: () => Promise<T>): Promise<void> {
    try {
      this.value = await read();
      this.error = null;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }
}

/**
 * What a view opens on demand, by key (a case's impact, a lot's genealogy, a request's context): read when opened, read again with
 * the view while open, forgotten when closed.
 */
export class OnDemand<T> {
  private readonly open = new Map<string, Loaded<T>>();

  constructor(private readonly shell: Shell, private readonly path: (key: string) => string) {}

  has(key: string): boolean { return this.open.has(key); }

  get(key: string): Loaded<T> | undefined { return this.open.get(key); }

  async toggle(key: string): Promise<void> {
    if (this.open.delete(key)) { this.shell.redraw(); return; }
    const loaded = new Loaded<T>();
    this.open.set(key, loaded);
    this.shell.redraw();
    await loaded.from(() => get<T>(this.path(key)));
    this.shell.redraw();
  }

  reload(): Promise<void>[] {
    return [...this.open.entries()].map(([key, loaded]) => loaded.from(() => get<T>(this.path(key))));
  }
}

export const failed = (error: string | null): TemplateResult | typeof nothing =>
  error ? html`<p class="problem" role="alert">Could not read this: ${error}</p>` : nothing;

/** What an opened part shows before its first answer: reading, or why it could not be read. */
export const notYet = (loaded: Loaded<unknown>): TemplateResult | typeof nothing =>
  loaded.error ? failed(loaded.error) : html`<p class="muted">Reading…</p>`;
