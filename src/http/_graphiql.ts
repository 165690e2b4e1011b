/**
 * The GraphiQL page the HTTP endpoint serves to browsers (internal). It loads GraphiQL 5 as ES
 * modules through an import map, as GraphiQL's own CDN example does, and sends queries to the URL
 * it was served from.
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

/**
 * Renders the page.
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
    </style>
${links}
    <script type="importmap">${scriptJson(importMap)}</script>
    <script type="module">
      import React from "react";
      import ReactDOM from "react-dom/client";
      import { GraphiQL, HISTORY_PLUGIN } from "graphiql";
      import { createGraphiQLFetcher } from "@graphiql/toolkit";
      import "graphiql/setup-workers/esm.sh";

      const fetcher = createGraphiQLFetcher({ url: window.location.pathname });
      ReactDOM.createRoot(document.getElementById("graphiql")).render(
        React.createElement(GraphiQL, { fetcher, plugins: [HISTORY_PLUGIN] }),
      );
    </script>
  </head>
  <body>
    <div id="graphiql"><div class="loading">Loading GraphiQL…</div></div>
  </body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** JSON inside a `<script>` element: `<` escaped, so no value can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll("<", "\\u003c");
}
