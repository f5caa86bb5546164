import { z } from "@hono/zod-openapi";
import { escapeHtml } from "../lib/html.ts";
import { htmlResponse } from "./openapi.ts";
import { HttpProblem } from "./problem.ts";
import { isProblemKey, PROBLEM_KEYS, PROBLEM_TYPES, type ProblemKey } from "./problem-types.ts";
import { RouteGroup } from "./route-kit.ts";

/** The catalogue's texts mark code with backticks, as in the OpenAPI descriptions. */
const prose = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");

const page = (title: string, body: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;

function problemPage(key: ProblemKey): string {
  const { status, title, means, todo } = PROBLEM_TYPES[key];
  return page(
    `${key}: Borde problem type`,
    `<h1>${key}</h1>
<p>HTTP ${status} ${escapeHtml(title)}</p>
<h2>What it means</h2>
<p>${prose(means)}</p>
<h2>What to do</h2>
<p>${prose(todo)}</p>
<p>The problem document's <code>detail</code> says what happened in this case, and its <code>request_id</code> identifies the request. <a href="/problems">All problem types</a>.</p>`,
  );
}

const INDEX_PAGE = page(
  "Borde problem types",
  `<h1>Borde problem types</h1>
<p>Errors are RFC 9457 problem documents; their <code>type</code> is one of these pages.</p>
<ul>
${PROBLEM_KEYS.map((key) => `<li><a href="/problems/${key}">${key}</a> (${PROBLEM_TYPES[key].status}): ${prose(PROBLEM_TYPES[key].means)}</li>`).join("\n")}
</ul>`,
);

const ProblemSlugParamSchema = z.object({
  slug: z
    .string()
    .max(100)
    .openapi({
      param: { name: "slug", in: "path" },
      example: "not-found",
      description: PROBLEM_KEYS.join(", "),
    }),
});

const routes = new RouteGroup("System");

routes.add(
  {
    method: "get",
    path: "/problems",
    operationId: "listProblemTypes",
    summary: "Every kind of error the API answers with, each linking to its page",
    access: "public",
    responses: { 200: htmlResponse("The list of problem types") },
  },
  (c) => c.html(INDEX_PAGE, 200),
);

routes.add(
  {
    method: "get",
    path: "/problems/{slug}",
    operationId: "getProblemType",
    summary: "What one kind of error means and what to do about it (the page a problem's `type` names)",
    access: "public",
    request: { params: ProblemSlugParamSchema },
    responses: { 200: htmlResponse("The page") },
    problems: [404],
  },
  (c) => {
    const { slug } = c.req.valid("param");
    if (!isProblemKey(slug)) throw new HttpProblem("not-found", `No problem type is called ${slug}.`);
    return c.html(problemPage(slug), 200);
  },
);

export const registerProblemRoutes = routes.register;
