// The explorer's URLs: pages live at paths (/, /search?q=, /entity/ID,
// /agency/ID?from=&to=, /network/ID, /review), which the server answers
// with the page and, for search, entity and agency pages, the answer of
// the page's first API request inside (src/serve/page.c). Links of the
// older form (#/entity/ID ...) still work: they are turned into the path
// form in place. Moving between pages is history.pushState, not a load.

// The route of a path and query string: its decoded parts and parameters.
export function parseRoute(path, search) {
  return {
    parts: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(search),
  };
}

// '#/entity/x?from=1' -> '/entity/x?from=1'; null when not a page hash.
export function hashToPath(hash) {
  return hash.startsWith('#/') ? hash.slice(1) : null;
}

// Whether a same-origin path is one of the explorer's pages (not /api/,
// not an asset).
export function isPage(path) {
  return path === '/' || path === '/search' || path === '/review' || /^\/(entity|agency|network)\/./.test(path);
}

// Goes to a page of the explorer: a new history entry, then the router
// (main.js listens to popstate) draws it.
export function go(href) {
  if (location.pathname + location.search !== href) history.pushState(null, '', href);
  dispatchEvent(new PopStateEvent('popstate'));
}
