// The route of a location hash, and the API request its page makes first:
// main.js routes with parseHash(), and boot.js (a tiny script the page
// loads before the bundle) starts that first request while the bundle is
// still being fetched and compiled, so that on a cold load the answer is
// on its way ~0.3-0.6 s earlier. api.js hands the early answer to the
// page's own call when the URL is the same; a page whose first call
// changes must change here too (tests/browser/explorer.mjs checks that a
// cold load asks the API once).
export function parseHash(hash) {
  const h = hash.replace(/^#/, '') || '/';
  const [path, query = ''] = h.split('?');
  return {
    parts: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(query),
  };
}

// [path, params] of the page's first api() call, or null.
export function firstRequest(hash) {
  const { parts, params } = parseHash(hash);
  if (parts[0] === 'search') return ['search', { q: params.get('q') || '', limit: 50 }];
  if (!parts[1]) return null;
  if (parts[0] === 'entity') return ['show', { id: parts[1] }];
  if (parts[0] === 'agency') return ['who', { agency: parts[1], from: params.get('from') || '', to: params.get('to') || '' }];
  if (parts[0] === 'network') return ['graph', { id: parts[1], limit: 40 }];
  return null;
}
