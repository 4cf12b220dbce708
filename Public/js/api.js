// The JSON API: one fetch wrapper that turns problem+json into an ApiError with the server's `detail`.

export class ApiError extends Error {
  constructor(status, detail, { title, retryAfter, errors } = {}) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.title = title;
    /** One line per problem, when the server lists them (a bank that was not accepted: 422). */
    this.errors = errors;
    this.retryAfter = retryAfter;
  }
}

/**
 * api('/api/v1/topics'), api(path, {method: 'POST', body: {...}, token}).
 * `as: 'text'` or `as: 'blob'` returns the body as such instead of JSON.
 */
export async function api(path, { method = 'GET', body, token, as = 'json', signal } = {}) {
  const headers = { Accept: as === 'json' ? 'application/json' : '*/*' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'The server could not be reached. Check your connection and try again.');
  }
  if (!res.ok) {
    let detail = '', title = res.statusText, errors;
    try {
      const p = await res.json();
      detail = p.detail || '';
      title = p.title || title;
      if (Array.isArray(p.errors)) errors = p.errors.map(String);
    } catch { /* not JSON */ }
    const ra = res.headers.get('Retry-After');
    throw new ApiError(res.status, detail || defaultDetail(res.status, title), {
      title, errors, retryAfter: ra !== null && ra !== '' && !Number.isNaN(Number(ra)) ? Number(ra) : undefined,
    });
  }
  if (as === 'text') return res.text();
  if (as === 'blob') return res.blob();
  if (res.status === 204) return null;
  return res.json();
}

function defaultDetail(status, title) {
  switch (status) {
    case 401: return 'The token was not accepted.';
    case 404: return 'Not found.';
    case 429: return 'The grading queue is full.';
    case 503: return 'The server is busy or shutting down; try again shortly.';
    default: return `${status} ${title || ''}`.trim();
  }
}
