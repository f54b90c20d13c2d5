// The console is a client of the public API like any other (docs/adr/0009): every read goes to /api with the
// person's bearer token, and the gateway decides what they may see.

const TokenKey = 'el-console-token';

export interface Identity {
  person: string;
  scopes: string[];
  sites: string[];
  expiresAt: Date | null;
}

/** An RFC 7807 answer, kept whole so a view can say what the API said. */
export class ApiProblem extends Error {
  constructor(readonly status: number, readonly title: string, readonly detail: string) {
    super(`${status} ${title}${detail ? `: ${detail}` : ''}`);
  }
}

/**
 * A token handed over in the address's fragment (`#token=…`, never sent to a server) is kept for this tab and
 * taken out of the address at once, so it is not bookmarked, shared or left in the history.
 */
export function adoptTokenFromAddress(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match) return;
  sessionStorage.setItem(TokenKey, decodeURIComponent(match[1]));
  const rest = location.hash.replace(/(?:^#|&)token=[^&]+/, '').replace(/^&/, '');
  history.replaceState(null, '', `${location.pathname}${location.search}${rest ? `#${rest.replace(/^#?/, '')}` : '#/plant'}`);
}

export function signIn(token: string): Identity | null {
  const identity = identityOf(token.trim());
  if (identity) sessionStorage.setItem(TokenKey, token.trim());
  return identity;
}

export function signOut(): void {
  sessionStorage.removeItem(TokenKey);
}

/** Who the token names, read for display only: the gateway checks the signature, the lifetime and the scopes. */
export function currentIdentity(): Identity | null {
  const token = sessionStorage.getItem(TokenKey);
  return token ? identityOf(token) : null;
}

function identityOf(token: string): Identity | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0))));
    if (typeof claims.sub !== 'string') return null;
    return {
      person: claims.sub,
      scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [],
      sites: typeof claims.sites === 'string' ? claims.sites.split(',').filter(Boolean) : [],
      expiresAt: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : null,
    };
  } catch {
    return null;
  }
}

/**
 * How far each service's clock is from this browser's, by the API path it answers (/actions, /approvals, …): a development clock
 * may run days ahead, and each service has its own (X-Service-Clock). In production the offsets stay unknown, and so zero.
 */
const clockOffsets = new Map<string, number>();
const area = (path: string) => path.split(/[/?]/)[1] ?? '';

/** Now, as the service answering <path> reckons it: its due times are counted down from this. */
export const serviceNow = (path: string): Date => new Date(Date.now() + (clockOffsets.get(area(path)) ?? 0));

async function send(path: string, accept: string): Promise<Response> {
  const token = sessionStorage.getItem(TokenKey);
  const response = await fetch(`/api${path}`, { headers: { Accept: accept, ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
  const clock = response.headers.get('X-Service-Clock');
  if (clock) clockOffsets.set(area(path), new Date(clock).getTime() - Date.now());
  if (response.ok) return response;
  let title = response.statusText;
  let detail = '';
  try {
    const problem = await response.json();
    title = problem.title ?? title;
    detail = problem.detail ?? '';
  } catch {
    // Not a problem document (a proxy's own page): the status says enough.
  }
  throw new ApiProblem(response.status, title, detail);
}

export async function get<T>(path: string): Promise<T> {
  return (await send(path, 'application/json')).json() as Promise<T>;
}

/** A file the API makes (an audit export), saved through the browser with the name the API gives it. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const response = await send(path, '*/*');
  const named = /filename="?([^";]+)"?/.exec(response.headers.get('Content-Disposition') ?? '');
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: named?.[1] ?? fallbackName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A query string from the values that are set. */
export function query(values: Record<string, string | number | undefined | null>): string {
  const set = Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return set.length === 0 ? '' : `?${new URLSearchParams(set.map(([k, v]) => [k, String(v)])).toString()}`;
}
