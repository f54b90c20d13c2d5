import { html, render, nothing, type TemplateResult } from 'lit';
import { adoptTokenFromAddress, ApiProblem, currentIdentity, get, signIn, signOut, type Identity } from './api';

import type { Shell, View } from './shell';
import type { Site } from './types';
import { PlantView } from './views/plant';
import { MyWorkView } from './views/my-work';
import { ScorecardView } from './views/scorecard';
import { AuditView } from './views/audit';
import './style.css';

// The console's shell: sign-in, the site, the four views, and the live refresh (docs/adr/0009).

const Routes = [
  { path: 'plant', label: 'Plant', make: (shell: Shell) => new PlantView(shell) },
  { path: 'my-work', label: 'My work', make: (shell: Shell) => new MyWorkView(shell) },
  { path: 'scorecard', label: 'Scorecard', make: (shell: Shell) => new ScorecardView(shell) },
  { path: 'audit', label: 'Audit', make: (shell: Shell) => new AuditView(shell) },
] as const;

/** Every view reads its data again this often while the tab is shown; countdowns tick every second in between. */
const RefreshMs = 15_000;
const SiteKey = 'el-console-site';

const root = document.getElementById('app')!;
root.replaceChildren(); // the page's "Loading…", before lit takes the element over
let identity: Identity | null = null;
let sites: Site[] = [];
let route: (typeof Routes)[number] = Routes[0];
let view: View | null = null;
let updatedAt: Date | null = null;
let problem: string | null = null;
let loading = false;

const shell: Shell = {
  // The site chosen in this tab; else the first the token names; else the first the caller may see.
  get site() { return sessionStorage.getItem(SiteKey) ?? identity?.sites.find(s => s !== '*') ?? sites[0]?.code ?? ''; },
  get person() { return identity?.person ?? ''; },
  redraw: () => draw(),
};

function routeOf(hash: string) {
  const path = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return Routes.find(r => r.path === path) ?? Routes[0];
}

async function refresh(): Promise<void> {
  if (!view || loading) return;
  loading = true;
  try {
    await view.load();
    updatedAt = new Date();
    problem = null;
  } catch (e) {
    if (e instanceof ApiProblem && e.status === 401) { signOut(); identity = null; }
    problem = e instanceof Error ? e.message : String(e);
  } finally {
    loading = false;
    draw();
  }
}

async function start(): Promise<void> {
  adoptTokenFromAddress();
  identity = currentIdentity();
  if (!identity) { draw(); return; }
  try {
    sites = await get<Site[]>('/sites');
  } catch (e) {
    if (e instanceof ApiProblem && e.status === 401) { signOut(); identity = null; problem = `Not signed in: ${e.detail || e.title}`; draw(); return; }
    sites = identity.sites.filter(s => s !== '*').map(code => ({ code }));
  }
  navigate();
}

function navigate(): void {
  route = routeOf(location.hash);
  view = route.make(shell);
  draw();
  void refresh();
}

function chooseSite(code: string): void {
  sessionStorage.setItem(SiteKey, code);
  navigate();
}

function signInForm(): TemplateResult {
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const token = new FormData(e.target as HTMLFormElement).get('token')?.toString() ?? '';
    identity = signIn(token);
    problem = identity ? null : 'That is not a token the console can read (a JWT from your identity provider).';
    if (identity) void start(); else draw();
  };
  return html`<main class="sign-in">
    <h1>ExecutionLayer console</h1>
    <p>Sign in with a token from your identity provider. In development, <code>infra/run.sh</code> prints the console's
       address with a token for the plant manager, and <code>el-demo token --person NAME</code> makes one for anyone.</p>
    <form @submit=${submit}>
      <label for="token">Bearer token</label>
      <textarea id="token" name="token" rows="4" required autocomplete="off"></textarea>
      <button type="submit">Sign in</button>
    </form>
    ${problem ? html`<p class="problem" role="alert">${problem}</p>` : nothing}
  </main>`;
}

/** A view that cannot draw what it read says so, and the rest of the console keeps working. */
function drawView(): TemplateResult | typeof nothing {
  try {
    return view?.render() ?? nothing;
  } catch (e) {
    console.error(e);
    return html`<p class="problem" role="alert">This view could not show what it read: ${e instanceof Error ? e.message : String(e)}</p>`;
  }
}

function draw(): void {
  if (!identity) { render(signInForm(), root); return; }
  render(html`
    <header class="top">
      <a class="brand" href="#/plant">ExecutionLayer</a>
      <nav aria-label="Views">
        ${Routes.map(r => html`<a href="#/${r.path}" aria-current=${r === route ? 'page' : 'false'}>${r.label}</a>`)}
      </nav>
      <label class="site">Site
        <select @change=${(e: Event) => chooseSite((e.target as HTMLSelectElement).value)}>
          ${sites.map(s => html`<option value=${s.code} ?selected=${s.code === shell.site}>${s.code}</option>`)}
        </select>
      </label>
      <span class="who">${identity.person}
        <button class="link" @click=${() => { signOut(); identity = null; draw(); }}>Sign out</button></span>
    </header>
    <p class="status" role="status" aria-live="polite">
      ${loading && !updatedAt ? 'Loading…' : updatedAt ? html`Live: read at ${updatedAt.toLocaleTimeString()} (this device's time), again every ${RefreshMs / 1000} s` : nothing}
      <button class="link" @click=${() => void refresh()} ?disabled=${loading}>Refresh now</button>
    </p>
    ${problem ? html`<p class="problem" role="alert">${problem}</p>` : nothing}
    <main>${drawView()}</main>
  `, root);
}

window.addEventListener('hashchange', () => { if (identity && routeOf(location.hash) !== route) navigate(); });
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') void refresh(); });
setInterval(() => { if (document.visibilityState === 'visible') void refresh(); }, RefreshMs);
setInterval(() => { if (identity && document.visibilityState === 'visible') draw(); }, 1_000);
void start();
