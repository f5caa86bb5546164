import { createRoute, type OpenAPIHono, type RouteConfig, type RouteHandler, z } from "@hono/zod-openapi";
import type { BatchItem } from "drizzle-orm/batch";
import type { Context, MiddlewareHandler } from "hono";
import { authorize, principalOf, type Requirement } from "../access/authorize.ts";
import { type ModuleKey, requireModule } from "../access/modules.ts";
import type { Database, HttpDatabase } from "../db/client.ts";
import { IdParamSchema } from "./api-schemas.ts";
import type { AppEnv } from "./app-env.ts";
import { IdempotencyKeyHeaderSchema, idempotency } from "./idempotency.ts";
import { AUTHENTICATED, jsonBody, jsonResponse, SIGNED_IN } from "./openapi.ts";
import { problemResponses } from "./openapi-responses.ts";
import { ListQuerySchema, type Page, pageSchema, toPage } from "./pagination.ts";
import { notFound } from "./problem.ts";
import type { ProblemStatus } from "./problem-types.ts";

/**
 * Who may call a route: anyone, or callers meeting a requirement. A requirement with a scope admits API
 * keys holding it; one without admits signed-in people only, and the document's security says so.
 */
export type Access = "public" | Requirement;

type Method = RouteConfig["method"];
type RequestParts = NonNullable<RouteConfig["request"]>;
type Responses = RouteConfig["responses"];
type ProblemResponses = ReturnType<typeof problemResponses<ProblemStatus>>;

/** The names a handler's validated inputs go by: `params`, `query`, `body` (JSON) and `form`. */
type InputName<Target> = Target extends "param" ? "params" : Target extends "json" ? "body" : Target;

/** A route's validated request parts, as its zod schemas parse them. */
type ValidInput<C> =
  C extends Context<AppEnv, infer _Path, infer I>
    ? I extends { out: infer Out }
      ? { [Target in keyof Out & ("param" | "query" | "json" | "form") as InputName<Target>]: Out[Target] }
      : Record<never, never>
    : never;

/**
 * The handler type of a declared route: the context, and the request parts the route validated.
 * Conditional on Res so TypeScript waits for the route file's responses before it decides whether a bare
 * Response (a 204, an upgrade) may be returned; on the generic route it decides too early and always refuses.
 */
type HandlerOf<R extends RouteConfig, Res> = Res extends unknown
  ? (
      c: Parameters<RouteHandler<R, AppEnv>>[0],
      input: ValidInput<Parameters<RouteHandler<R, AppEnv>>[0]>,
    ) => ReturnType<RouteHandler<R, AppEnv>>
  : never;

/** What the validators left for the handler; a part the route does not declare is undefined. */
function validInput(c: Context<AppEnv>) {
  const valid = (target: "param" | "query" | "json" | "form"): unknown => c.req.valid(target as never);
  return { params: valid("param"), query: valid("query"), body: valid("json"), form: valid("form") };
}

type Schema = z.ZodType | undefined;
type ObjectSchema = z.ZodObject | undefined;

/** The request a declaration describes: its `request`, with the parts it names directly. */
type RequestOf<Req, B, Q, Pa> = (Req extends RequestParts ? Req : Record<never, never>) &
  (B extends z.ZodType ? { body: ReturnType<typeof jsonBody<B>> } : Record<never, never>) &
  (Q extends z.ZodObject ? { query: Q } : Record<never, never>) &
  (Pa extends z.ZodObject ? { params: Pa } : Record<never, never>);

/** What a route file states about one operation; the kit adds the tag, security, authorization and problems. */
export type Declaration<
  M extends Method,
  P extends string,
  Req extends RequestParts | undefined,
  Res extends Responses,
  B extends Schema = undefined,
  Q extends ObjectSchema = undefined,
  Pa extends ObjectSchema = undefined,
> = {
  method: M;
  path: P;
  operationId: string;
  summary: string;
  description?: string;
  access: Access;
  /** Runs after authorization and before validation, e.g. a webhook's signature check. */
  middleware?: MiddlewareHandler<AppEnv>[];
  /** The request parts beyond the common ones below (headers, a form, an optional or non-JSON body). */
  request?: Req;
  /** A required JSON body. */
  body?: B;
  /** The query parameters. */
  query?: Q;
  /** The path parameters, e.g. `IdParamSchema`. */
  params?: Pa;
  /** The success responses; problem responses come from `problems` and the kit. */
  responses: Res;
  /** The problem statuses particular to the route; those every route of its kind can answer are added. */
  problems?: ProblemStatus[];
  /**
   * A creating route that honours Idempotency-Key (idempotency.ts): the kit declares the header and its
   * 409s, and keeps the first answer for retries.
   */
  idempotent?: true;
  /** The module the route belongs to: when the caller's tenant has it off, the route answers 403. */
  module?: ModuleKey;
};

/**
 * The problems any route can answer given how it is reached: 500 and 400 always (every route validates its
 * query); 429 under /api/ (the rate limiter); 401/403 behind authorization; 413/415 with a body (size
 * limit, media type).
 */
function sharedProblems(access: Access, path: string, request: RequestParts | undefined): ProblemStatus[] {
  return [
    // Every route validates its query (undeclared parameters are refused), so any route may answer 400.
    400 as const,
    ...(access === "public" ? [] : [401 as const, 403 as const]),
    ...(request?.body ? [413 as const, 415 as const] : []),
    ...(path.startsWith("/api/") ? [429 as const] : []),
    500 as const,
  ];
}

/**
 * Refuses query parameters the route does not declare (400), so a client's typo (`?limt=5`) is reported
 * instead of silently ignored; a route without query parameters refuses any.
 */
function withStrictQuery(request: RequestParts | undefined): RequestParts {
  const query = request?.query;
  if (query !== undefined && !(query instanceof z.ZodObject))
    throw new Error("a route declares its query parameters as one object");
  return { ...request, query: (query ?? z.object({})).strict() };
}

function withIdempotencyKey(request: RequestParts | undefined): RequestParts {
  const headers = request?.headers;
  if (headers !== undefined && !(headers instanceof z.ZodObject))
    throw new Error("an idempotent route declares its other headers as one object");
  return {
    ...request,
    headers: headers ? headers.extend(IdempotencyKeyHeaderSchema.shape) : IdempotencyKeyHeaderSchema,
  };
}

function declareRoute<
  M extends Method,
  P extends string,
  Req extends RequestParts | undefined,
  Res extends Responses,
  B extends Schema,
  Q extends ObjectSchema,
  Pa extends ObjectSchema,
>(tag: string, declaration: Declaration<M, P, Req, Res, B, Q, Pa>) {
  const {
    access,
    middleware = [],
    problems = [],
    idempotent,
    module,
    request: parts,
    body,
    query,
    params,
    responses,
    ...operation
  } = declaration;
  const request: RequestParts | undefined =
    body || query || params
      ? {
          ...parts,
          ...(params && { params }),
          ...(query && { query }),
          ...(body && { body: jsonBody(body) }),
        }
      : parts;
  if (idempotent && access === "public")
    throw new Error(`${operation.operationId}: idempotency keys are per tenant`);
  if (module && access === "public") throw new Error(`${operation.operationId}: modules are per tenant`);
  // Object.assign keeps the route's own responses in the type, so its handler is checked against them.
  const allResponses: Res & ProblemResponses = Object.assign(
    {},
    responses,
    problemResponses([
      ...sharedProblems(access, operation.path, request),
      ...problems,
      ...(idempotent ? [409 as const] : []),
    ]),
  );
  return createRoute({
    ...operation,
    tags: [tag],
    ...(access === "public" ? {} : { security: access.scope ? AUTHENTICATED : SIGNED_IN }),
    middleware:
      access === "public"
        ? middleware
        : [
            authorize(access),
            ...(module ? [requireModule(module)] : []),
            ...(idempotent ? [idempotency(operation.operationId)] : []),
            ...middleware,
          ],
    // `request` is optional to write, so its type reads `Req | undefined`; when omitted, Req is undefined.
    // The Idempotency-Key header is validated by its middleware; it is added here for the document.
    request: withStrictQuery(idempotent ? withIdempotencyKey(request) : request) as RequestOf<Req, B, Q, Pa>,
    responses: allResponses,
  });
}

/**
 * What a standard operation states; the kit derives its method, request, responses and problems, and its
 * id and access unless the operation names its own.
 */
type StandardOperation = {
  /** `<verb><Name>` by default: listAssistants, createAssistant, getAssistant, updateAssistant, … */
  operationId?: string;
  summary: string;
  description?: string;
  /** The resource's read access for list and get, its write access for the others, by default. */
  access?: Access;
  /** The module the route belongs to: when the caller's tenant has it off, the route answers 403. */
  module?: ModuleKey;
};

type ResourceSpec<Row, S extends z.ZodType> = {
  /** The collection's path; one row is at `path/{id}`. */
  path: string;
  /** One row in the document (`200`), rendered from a row by `render`. */
  schema: S;
  render: (row: Row) => z.output<S>;
  /** Who may read (list, get) and who may change (the others) the rows; one Access for both. */
  access: Access | { read: Access; write: Access };
  /** The name of several, where adding "s" is wrong ("import batches"); in the list's id and description. */
  plural?: string;
  /** The name in the operation ids where it is not the resource's ("alert silence" for "silence"). */
  operationName?: string;
  /** The page's component name; `<Name>Page` by default (e.g. "WidgetKeyPage" for "widget key"). */
  pageName?: string;
};

const pascalCase = (words: string): string =>
  words.replace(
    /(^|\s+)(\S)(\S*)/g,
    (_, _space, first: string, rest: string) => first.toUpperCase() + rest.toLowerCase(),
  );

/**
 * One kind of a tenant's rows, e.g. `routes.resource("assistant", {...})`: its standard operations are
 * declared with an id, a summary and who may call them. The 404 names the resource; the page schema and
 * the response descriptions are derived from its name.
 */
export class Resource<Row, S extends z.ZodType> {
  readonly #schema: z.ZodType;
  readonly #itemPath: string;
  readonly #plural: string;

  constructor(
    readonly routes: RouteGroup,
    readonly name: string,
    readonly spec: ResourceSpec<Row, S>,
  ) {
    this.#schema = spec.schema;
    this.#itemPath = `${spec.path}/{id}`;
    this.#plural = spec.plural ?? `${name}s`;
  }

  /**
   * The operation as the route kit declares it: its id from the verb and the resource's name (the plural
   * for `list`), its access from the resource's read or write access, each unless the operation has its own.
   */
  #declared<O extends StandardOperation>(verb: string, kind: "read" | "write", operation: O) {
    const { access, plural, operationName = this.name } = this.spec;
    const noun = verb === "list" ? (plural ?? `${operationName}s`) : operationName;
    return {
      ...operation,
      operationId: operation.operationId ?? `${verb}${pascalCase(noun)}`,
      access: operation.access ?? (typeof access === "string" || "role" in access ? access : access[kind]),
    };
  }

  /** `GET path`: a page of the tenant's rows, in id order, narrowed by the query's `filters` if any. */
  list<Filters extends z.ZodObject = z.ZodObject<Record<never, never>>>(
    operation: StandardOperation & { filters?: Filters; responseDescription?: string },
    list: (
      db: Database,
      tenantId: string,
      query: Page & z.output<Filters>,
    ) => Promise<(Row & { id: string })[]>,
  ): void {
    const { filters, responseDescription = `A page of ${this.#plural}`, ...declaration } = operation;
    const { render } = this.spec;
    const page: z.ZodType = pageSchema(this.#schema, this.spec.pageName ?? `${pascalCase(this.name)}Page`);
    const query: z.ZodObject = filters ? ListQuerySchema.extend(filters.shape) : ListQuerySchema;
    this.routes.add(
      {
        ...this.#declared("list", "read", declaration),
        method: "get",
        path: this.spec.path,
        request: { query },
        responses: { 200: jsonResponse(page, responseDescription) },
      },
      async (c) => {
        // The route validated the query with the list's and the filters' schemas; declaring it widened its type.
        const parsed = c.req.valid("query") as Page & z.output<Filters>;
        const rows = await tenantRead(c, (db, tenantId) => list(db, tenantId, parsed));
        return c.json(toPage(rows, parsed, render), 200);
      },
    );
  }

  /**
   * `POST path`: adds a row of the tenant (201, with its Location), honouring Idempotency-Key. `check`
   * refuses a body before any database work. `answer` is the response when it carries more than the row,
   * e.g. a secret shown once.
   */
  create<Body extends z.ZodType, Created extends Row & { id: string }>(
    operation: StandardOperation & {
      body: Body;
      problems?: ProblemStatus[];
      check?: (c: Context<AppEnv>, body: z.output<Body>) => void;
      /** The 201's description; `The <name>` by default. */
      responseDescription?: string;
      answer?: { schema: z.ZodType; render: (created: Created) => unknown };
    },
    create: (db: Database, tenantId: string, body: z.output<Body>, c: Context<AppEnv>) => Promise<Created>,
  ): void {
    const { body, check, responseDescription = `The ${this.name}`, answer, ...declaration } = operation;
    const render = answer?.render ?? this.spec.render;
    const bodySchema: z.ZodType = body;
    this.routes.add(
      {
        ...this.#declared("create", "write", declaration),
        method: "post",
        path: this.spec.path,
        idempotent: true,
        request: { body: jsonBody(bodySchema) },
        responses: { 201: jsonResponse(answer?.schema ?? this.#schema, responseDescription) },
      },
      async (c) => {
        // The route validated the body with `body`; declaring it through z.ZodType widened its type.
        const values = c.req.valid("json") as z.output<Body>;
        check?.(c, values);
        const row = await tenantWrite(c, (db, tenantId) => create(db, tenantId, values, c));
        c.header("Location", `${this.spec.path}/${row.id}`);
        return c.json(render(row), 201);
      },
    );
  }

  /** `GET path/{id}`: one row of the tenant, 404 when there is none. */
  get(
    operation: StandardOperation,
    find: (db: Database, tenantId: string, id: string) => Promise<Row | null | undefined>,
  ): void {
    const { render } = this.spec;
    this.routes.add(
      {
        ...this.#declared("get", "read", operation),
        method: "get",
        path: this.#itemPath,
        request: { params: IdParamSchema },
        responses: { 200: jsonResponse(this.#schema, `The ${this.name}`) },
        problems: [404],
      },
      async (c) => {
        const { id } = c.req.valid("param");
        const row = await tenantRead(c, (db, tenantId) => find(db, tenantId, id));
        if (!row) throw notFound(this.name);
        return c.json(render(row), 200);
      },
    );
  }

  /**
   * `PATCH path/{id}`: changes one row of the tenant from a partial body, 404 when there is none. `check`
   * refuses a body before any database work (e.g. a site that may not be crawled).
   */
  update<Body extends z.ZodType>(
    operation: StandardOperation & {
      body: Body;
      problems?: ProblemStatus[];
      check?: (c: Context<AppEnv>, changes: z.output<Body>) => void;
      /** The 200's description; `The updated <name>` by default. */
      responseDescription?: string;
    },
    update: (
      db: Database,
      tenantId: string,
      id: string,
      changes: z.output<Body>,
    ) => Promise<Row | null | undefined>,
  ): void {
    const {
      body,
      problems = [],
      check,
      responseDescription = `The updated ${this.name}`,
      ...declaration
    } = operation;
    const { render } = this.spec;
    const bodySchema: z.ZodType = body;
    this.routes.add(
      {
        ...this.#declared("update", "write", declaration),
        method: "patch",
        path: this.#itemPath,
        request: { params: IdParamSchema, body: jsonBody(bodySchema) },
        responses: { 200: jsonResponse(this.#schema, responseDescription) },
        problems: [404, ...problems],
      },
      async (c) => {
        const { id } = c.req.valid("param");
        // The route validated the body with `body`; declaring it through z.ZodType widened its type.
        const changes = c.req.valid("json") as z.output<Body>;
        check?.(c, changes);
        const row = await tenantWrite(c, (db, tenantId) => update(db, tenantId, id, changes));
        if (!row) throw notFound(this.name);
        return c.json(render(row), 200);
      },
    );
  }

  /**
   * `POST path/{id}/<verb>`: one change of a row of the tenant (a silence expired, a conversation closed),
   * answered with the row as changed; 404 when there is none. `after` runs once the change is committed.
   */
  action(
    verb: string,
    operation: StandardOperation & { responseDescription: string },
    change: (
      db: Database,
      tenantId: string,
      id: string,
      c: Context<AppEnv>,
    ) => Promise<Row | null | undefined>,
    after?: (c: Context<AppEnv>, row: Row) => Promise<void>,
  ): void {
    const { responseDescription, ...declaration } = operation;
    const { render } = this.spec;
    this.routes.add(
      {
        ...this.#declared(verb, "write", declaration),
        method: "post",
        path: `${this.#itemPath}/${verb}`,
        request: { params: IdParamSchema },
        responses: { 200: jsonResponse(this.#schema, responseDescription) },
        problems: [404],
      },
      async (c) => {
        const { id } = c.req.valid("param");
        const row = await tenantWrite(c, (db, tenantId) => change(db, tenantId, id, c));
        if (!row) throw notFound(this.name);
        await after?.(c, row);
        return c.json(render(row), 200);
      },
    );
  }

  /** `DELETE path/{id}`: removes one row of the tenant (204), 404 when there is none. */
  delete(
    operation: StandardOperation & { responseDescription?: string },
    remove: (db: Database, tenantId: string, id: string) => Promise<boolean>,
  ): void {
    const { responseDescription = "Deleted", ...declaration } = operation;
    this.routes.add(
      {
        ...this.#declared("delete", "write", declaration),
        method: "delete",
        path: this.#itemPath,
        request: { params: IdParamSchema },
        responses: { 204: { description: responseDescription } },
        problems: [404],
      },
      async (c) => {
        const { id } = c.req.valid("param");
        const removed = await tenantWrite(c, (db, tenantId) => remove(db, tenantId, id));
        if (!removed) throw notFound(this.name);
        return c.body(null, 204);
      },
    );
  }
}

/**
 * A domain's routes, each declared with its handler and registered together under the domain's tag.
 * Handlers are typed from their declaration: `c.req.valid()` gives the parsed request, `c.json()` must
 * match a declared response.
 */
export class RouteGroup {
  readonly #routes: ((app: OpenAPIHono<AppEnv>) => void)[] = [];

  /**
   * `module`: every route of the group that needs a caller belongs to it (403 when the tenant has it off);
   * public routes (webhooks, the widget's own) never do.
   */
  constructor(
    readonly tag: string,
    readonly options: { module?: ModuleKey } = {},
  ) {}

  add<
    const M extends Method,
    const P extends string,
    const Req extends RequestParts | undefined = undefined,
    Res extends Responses = Responses,
    B extends Schema = undefined,
    Q extends ObjectSchema = undefined,
    Pa extends ObjectSchema = undefined,
  >(
    declaration: Declaration<M, P, Req, Res, B, Q, Pa>,
    handler: HandlerOf<ReturnType<typeof declareRoute<M, P, Req, Res, B, Q, Pa>>, Res>,
  ): void {
    const module = declaration.module ?? (declaration.access === "public" ? undefined : this.options.module);
    const route = declareRoute(this.tag, { ...declaration, module });
    // The handler's input is what the route's validators parsed, as its declaration types it.
    const run = handler as unknown as (c: Context<AppEnv>, input: ReturnType<typeof validInput>) => Response;
    const withInput = ((c: Context<AppEnv>) => run(c, validInput(c))) as unknown as RouteHandler<
      typeof route,
      AppEnv
    >;
    this.#routes.push((app) => app.openapi(route, withInput));
  }

  /** The standard operations on one kind of the tenant's rows (see Resource). */
  resource<Row, S extends z.ZodType>(name: string, spec: ResourceSpec<Row, S>): Resource<Row, S> {
    return new Resource(this, name, spec);
  }

  readonly register = (app: OpenAPIHono<AppEnv>): void => {
    for (const register of this.#routes) register(app);
  };
}

type TenantWork<T> = (db: Database, tenantId: string) => Promise<T>;

/** Runs work in the caller's tenant under row-level security, once `authorize()` has admitted the caller. */
function inCallersTenant<T>(c: Context<AppEnv>, work: TenantWork<T>, readOnly: boolean): Promise<T> {
  const { tenantId } = principalOf(c);
  return c.get("database").tenant(tenantId, (db) => work(db, tenantId), { readOnly });
}

/** Reads in the caller's tenant (a read-only transaction). */
export const tenantRead = <T>(c: Context<AppEnv>, work: TenantWork<T>) => inCallersTenant(c, work, true);

/** Writes in the caller's tenant. */
export const tenantWrite = <T>(c: Context<AppEnv>, work: TenantWork<T>) => inCallersTenant(c, work, false);

/**
 * One query in the caller's tenant, sent in one HTTP round trip (DatabaseSession.tenantQuery): for the hot
 * reads and single writes that need no interactive transaction.
 */
export function tenantQuery<T>(
  c: Context<AppEnv>,
  build: (db: HttpDatabase, tenantId: string) => BatchItem<"pg"> & { readonly _: { readonly result: T } },
  options: { readOnly?: boolean } = {},
): Promise<T> {
  const { tenantId } = principalOf(c);
  return c.get("database").tenantQuery(tenantId, (db) => build(db, tenantId), options);
}
