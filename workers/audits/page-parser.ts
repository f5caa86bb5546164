/** What the checks need from one HTML page, collected in one streaming pass with HTMLRewriter. */
export type PageFacts = {
  lang: string | null;
  titles: string[];
  description: string | null;
  robotsMeta: string[];
  viewport: string | null;
  openGraph: Record<string, string>;
  h1s: string[];
  canonicals: string[];
  hreflangs: { lang: string; href: string }[];
  anchors: { href: string | null; text: string; onclick: boolean }[];
  imagesWithoutAlt: string[];
};

export const emptyFacts = (): PageFacts => ({
  lang: null,
  titles: [],
  description: null,
  robotsMeta: [],
  viewport: null,
  openGraph: {},
  h1s: [],
  canonicals: [],
  hreflangs: [],
  anchors: [],
  imagesWithoutAlt: [],
});

const squash = (text: string) => text.replace(/\s+/g, " ").trim();

/** Handlers that add each matched element's text, squashed, to `into` when the element ends. */
function textOf(into: string[]): HTMLRewriterElementContentHandlers {
  let text: string | null = null;
  return {
    element(element) {
      text = "";
      element.onEndTag(() => {
        into.push(squash(text ?? ""));
        text = null;
      });
    },
    text(chunk) {
      if (text !== null) text += chunk.text;
    },
  };
}

/** Streams `body` through HTMLRewriter and returns the facts; the output is drained, never buffered. */
export async function parsePage(body: ReadableStream<Uint8Array>): Promise<PageFacts> {
  const facts = emptyFacts();
  const rewriter = new HTMLRewriter()
    .on("html", {
      element(element) {
        facts.lang ??= element.getAttribute("lang");
      },
    })
    .on("head title", textOf(facts.titles))
    .on("meta", {
      element(element) {
        const name = element.getAttribute("name")?.toLowerCase();
        const property = element.getAttribute("property")?.toLowerCase();
        const content = element.getAttribute("content") ?? "";
        if (name === "description") facts.description ??= squash(content);
        else if (name === "robots" || name === "borde-audit-bot")
          facts.robotsMeta.push(content.toLowerCase());
        else if (name === "viewport") facts.viewport ??= content;
        if (property?.startsWith("og:")) facts.openGraph[property] ??= squash(content);
      },
    })
    .on("h1", textOf(facts.h1s))
    .on("link", {
      element(element) {
        const rel = element.getAttribute("rel")?.toLowerCase().split(/\s+/) ?? [];
        const href = element.getAttribute("href") ?? "";
        if (rel.includes("canonical")) facts.canonicals.push(href);
        const hreflang = element.getAttribute("hreflang");
        if (rel.includes("alternate") && hreflang !== null) facts.hreflangs.push({ lang: hreflang, href });
      },
    })
    // No end-tag callback per link: text inside an <a> only reaches this handler, so it belongs to the
    // last anchor seen. Fewer calls across the parser boundary is most of the parse cost.
    .on("a", {
      element(element) {
        facts.anchors.push({
          href: element.getAttribute("href"),
          text: "",
          onclick: element.hasAttribute("onclick"),
        });
      },
      text(chunk) {
        const anchor = facts.anchors[facts.anchors.length - 1];
        if (anchor) anchor.text += chunk.text;
      },
    })
    .on("a img", {
      element(element) {
        // An image's alt text names the link it sits in.
        const anchor = facts.anchors[facts.anchors.length - 1];
        if (anchor) anchor.text += ` ${element.getAttribute("alt") ?? ""}`;
      },
    })
    // The selector filters natively, so images that have alt text cost no call into JavaScript.
    .on("img:not([alt])", {
      element(element) {
        facts.imagesWithoutAlt.push(element.getAttribute("src") ?? "(no src)");
      },
    });
  const output = rewriter.transform(new Response(body)).body;
  await output?.pipeTo(new WritableStream());
  for (const anchor of facts.anchors) anchor.text = squash(anchor.text);
  return facts;
}
