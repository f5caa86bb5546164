import { describe, expect, it } from "vitest";
import { analyseText, tokenize } from "../../../workers/insights/language/text-analysis.ts";

describe("the in-Worker language method", () => {
  it("tokenizes without case, accents or apostrophes", () => {
    expect(tokenize("¡Increíble! Don't STOP, envío rápido")).toEqual([
      "increible",
      "dont",
      "stop",
      "envio",
      "rapido",
    ]);
  });

  it.each([
    ["Me encanta este producto, excelente calidad", "positive", "es"],
    ["El envío llegó tarde y el paquete roto, pésimo servicio", "negative", "es"],
    ["The delivery was fast and the support team was really helpful", "positive", "en"],
    ["Worst purchase ever, the product is broken and support is useless", "negative", "en"],
    ["La tienda abre a las diez", "neutral", "es"],
  ])("labels %j as %s in %s", (text, label, language) => {
    const analysis = analyseText(text);
    expect(analysis.sentiment.label).toBe(label);
    expect(analysis.language).toBe(language);
  });

  it("flips the polarity of negated words and strengthens intensified ones", () => {
    expect(analyseText("no me gusta").sentiment.label).toBe("negative");
    expect(analyseText("not good at all").sentiment.label).toBe("negative");
    expect(analyseText("muy bueno").sentiment.score).toBeGreaterThan(analyseText("bueno").sentiment.score);
  });

  it("keeps the score inside (-1, 1)", () => {
    const score = analyseText("excelente ".repeat(200)).sentiment.score;
    expect(score).toBeLessThanOrEqual(1);
    expect(score).toBeGreaterThan(0.99);
  });

  it("names Plutchik emotions from words and emoji, most named first", () => {
    expect(analyseText("Estoy furioso, odio esta estafa 😡").emotions[0]).toBe("anger");
    expect(analyseText("What a surprise, wow, unexpected!").emotions).toContain("surprise");
    expect(analyseText("Tengo miedo de que sea peligroso").emotions).toContain("fear");
    expect(analyseText("no me gusta nada").emotions).not.toContain("joy");
  });

  it("names the fixed topics a post talks about, or other", () => {
    expect(analyseText("El precio es caro pero la calidad del material es buena").topics).toEqual([
      "price",
      "quality",
    ]);
    expect(analyseText("My order arrived late, shipping took weeks").topics).toContain("delivery");
    expect(analyseText("hola").topics).toEqual(["other"]);
  });

  it("leaves the language unknown when no common word tells it", () => {
    expect(analyseText("😍😍").language).toBeNull();
    expect(analyseText("😍😍").sentiment.label).toBe("positive");
  });
});
