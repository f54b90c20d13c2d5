import type { TemplateResult } from 'lit';

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
