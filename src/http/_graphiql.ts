/**
 * The GraphiQL page the HTTP endpoint serves to browsers (internal). It loads GraphiQL 5 as ES
 * modules through an import map, as GraphiQL's own CDN example does, and sends queries to the URL
 * it was served from. When its assets do not load, it says so, naming them.
 *
 * @module
 */

/** Where the page loads GraphiQL from, and what it calls itself. */
export interface GraphiQLPage {
  readonly title: string;
  readonly stylesheets: readonly string[];
  readonly imports: { readonly [specifier: string]: string };
  readonly integrity: { readonly [url: string]: string };
}

/**
 * The import map of GraphiQL's CDN example (graphql/graphiql, examples/graphiql-cdn): GraphiQL
 * 5.2.4 and its peers from esm.sh, versions pinned. graphql-js in the browser only reads the
 * introspection result, so its version need not match the server's.
 */
export const DEFAULT_GRAPHIQL_IMPORTS: { readonly [specifier: string]: string } = Object.freeze({
  "react": "https://esm.sh/react@19.2.7",
  "react/": "https://esm.sh/react@19.2.7/",
  "react-dom": "https://esm.sh/react-dom@19.2.7",
  "react-dom/": "https://esm.sh/react-dom@19.2.7/",
  "graphiql":
    "https://esm.sh/graphiql@5.2.4?standalone&external=react,react-dom,@graphiql/react,graphql",
  "graphiql/": "https://esm.sh/graphiql@5.2.4/",
  "@graphiql/react":
    "https://esm.sh/@graphiql/react@0.37.7?standalone&external=react,react-dom,graphql,@graphiql/toolkit,@emotion/is-prop-valid",
  "@graphiql/toolkit": "https://esm.sh/@graphiql/toolkit@0.12.1?standalone&external=graphql",
  "graphql": "https://esm.sh/graphql@17.0.2",
  // A module @graphiql/react imports optionally; an empty one keeps the console clean.
  "@emotion/is-prop-valid": "data:text/javascript,",
});

/** GraphiQL's stylesheet, from the same CDN and version as its modules. */
export const DEFAULT_GRAPHIQL_STYLESHEETS: readonly string[] = Object.freeze([
  "https://esm.sh/graphiql@5.2.4/dist/style.css",
]);

/** The CDN the default assets come from; `assetBaseUrl` replaces it. */
const DEFAULT_ASSET_BASE_URL = "https://esm.sh/";

/** How long the page waits for GraphiQL before saying it has not loaded, in milliseconds. */
export const GRAPHIQL_LOAD_TIMEOUT_MS = 15_000;

/**
 * The default import map and stylesheets with the CDN's URL (`https://esm.sh/`) replaced by
 * another base URL: a mirror of esm.sh (a self-hosted esm.sh, or a proxy of it) that serves the
 * same paths.
 *
 * @param base The base URL; a missing trailing `/` is added.
 * @returns The import map and the stylesheets.
 */
export function graphiqlAssets(base: string): {
  imports: { readonly [specifier: string]: string };
  stylesheets: readonly string[];
} {
  const prefix = base.endsWith("/") ? base : `${base}/`;
  const rebase = (url: string) =>
    url.startsWith(DEFAULT_ASSET_BASE_URL)
      ? prefix + url.slice(DEFAULT_ASSET_BASE_URL.length)
      : url;
  return {
    imports: Object.fromEntries(
      Object.entries(DEFAULT_GRAPHIQL_IMPORTS).map(([key, url]) => [key, rebase(url)]),
    ),
    stylesheets: DEFAULT_GRAPHIQL_STYLESHEETS.map(rebase),
  };
}

/**
 * Renders the page. Until GraphiQL starts, the page says it is loading; when a module fails to
 * load, or GraphiQL has not started after {@linkcode GRAPHIQL_LOAD_TIMEOUT_MS}, it says so instead,
 * with the asset URLs, a curl command to test that they can be reached, and how to load them from
 * elsewhere.
 *
 * @param page Title and asset URLs.
 * @returns The HTML text.
 */
export function renderGraphiQL(page: GraphiQLPage): string {
  const importMap: { imports: GraphiQLPage["imports"]; integrity?: GraphiQLPage["integrity"] } = {
    imports: page.imports,
  };
  if (Object.keys(page.integrity).length > 0) importMap.integrity = page.integrity;
  const links = page.stylesheets.map((href) => {
    const hash = page.integrity[href];
    const sri = hash === undefined
      ? ""
      : ` integrity="${escapeHtml(hash)}" crossorigin="anonymous"`;
    return `    <link rel="stylesheet" href="${escapeHtml(href)}"${sri} />`;
  }).join("\n");
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>${escapeHtml(page.title)}</title>
    <style>
      body { margin: 0; }
      #graphiql { height: 100dvh; }
      .loading { height: 100%; display: flex; align-items: center; justify-content: center; font: 2rem sans-serif; }
      .failed { padding: 1rem 2rem; font: 1rem sans-serif; }
      .failed pre { white-space: pre-wrap; overflow-wrap: anywhere; }
    </style>
${links}
    <script type="importmap">${scriptJson(importMap)}</script>
    <script type="module">
      const help = ${scriptJson(loadFailureHelp(page))};
      let started = false;
      const failed = (reason) => {
        if (started) return;
        const box = document.createElement("div");
        box.className = "failed";
        box.id = "graphiql-load-failed";
        const title = document.createElement("h1");
        title.textContent = "GraphiQL could not load";
        const text = document.createElement("pre");
        text.textContent = reason + "\\n\\n" + help;
        box.append(title, text);
        document.getElementById("graphiql").replaceChildren(box);
      };
      const timer = setTimeout(
        () => failed("GraphiQL has not loaded after ${GRAPHIQL_LOAD_TIMEOUT_MS / 1000} seconds."),
        ${GRAPHIQL_LOAD_TIMEOUT_MS},
      );
      try {
        const [{ default: React }, { default: ReactDOM }, { GraphiQL, HISTORY_PLUGIN }, { createGraphiQLFetcher }] =
          await Promise.all([
            import("react"),
            import("react-dom/client"),
            import("graphiql"),
            import("@graphiql/toolkit"),
            import("graphiql/setup-workers/esm.sh"),
          ]);
        clearTimeout(timer);
        started = true;
        // The origin too: a path that starts with "//" alone would name another host.
        const fetcher = createGraphiQLFetcher({ url: window.location.origin + window.location.pathname });
        ReactDOM.createRoot(document.getElementById("graphiql")).render(
          React.createElement(GraphiQL, { fetcher, plugins: [HISTORY_PLUGIN] }),
        );
      } catch (error) {
        clearTimeout(timer);
        failed("A GraphiQL module failed to load: " + (error && error.message || error));
      }
    </script>
  </head>
  <body>
    <div id="graphiql"><div class="loading">Loading GraphiQL…</div></div>
  </body>
</html>
`;
}

/**
 * What the page says when GraphiQL does not load: the URLs it loads, a curl command to test the
 * first, and the options that load them from elsewhere.
 */
function loadFailureHelp(page: GraphiQLPage): string {
  const urls = [
    // Prefix entries ("react/") are not files of their own; data: URLs need no network.
    ...Object.entries(page.imports)
      .filter(([specifier, url]) => !specifier.endsWith("/") && !url.startsWith("data:"))
      .map(([, url]) => url),
    ...page.stylesheets,
  ];
  const unique = [...new Set(urls)];
  const first = page.imports["graphiql"] ?? unique[0];
  const lines = [
    "This page loads GraphiQL's scripts and stylesheet from these URLs (the browser must reach " +
    "them; a network that is offline or blocks the CDN stops it):",
    ...unique.map((url) => `  ${url}`),
  ];
  if (first !== undefined && /^https?:/.test(first)) {
    lines.push(
      "",
      "To test whether they can be reached from the machine running this browser:",
      `  curl -sSI ${shellQuote(first)}`,
    );
  }
  lines.push(
    "",
    "To load them from elsewhere (a mirror of esm.sh, or your own copies), set the graphiql " +
      "option of graphqlHandler: { assetBaseUrl } for a mirror serving the same paths, or " +
      "{ imports, stylesheets } for files of your own. The browser's console and network tab " +
      "show which request failed.",
  );
  return lines.join("\n");
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** JSON inside a `<script>` element: `<` escaped, so no value can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll("<", "\\u003c");
}
