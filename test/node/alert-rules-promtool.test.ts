// Alert rule evaluation checked against Prometheus itself: the same series and rules go to
// `promtool test rules` (Debian's prometheus package, 2.42) with, as expected alerts, what
// previewRule() says fires at every minute; promtool fails the test on any difference.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { previewRule, type RuleSpec, type SeriesInput } from "../../workers/alerts/evaluation.ts";

const MINUTE = 60_000;
const PROMTOOL = process.env.PROMTOOL ?? "/usr/bin/promtool";

type Case = {
  rule: RuleSpec;
  selector: string;
  series: { labels: Record<string, string>; values: (number | null)[] }[];
};

const base = { labels: { severity: "page" }, keepFiringForMs: 0, forMs: 0 };

const cases: Case[] = [
  {
    selector: 'cpu{job="web"}',
    rule: {
      ...base,
      name: "HighCpuAverage",
      fn: "avg_over_time",
      windowMs: 3 * MINUTE,
      comparator: ">",
      threshold: 5,
      forMs: 2 * MINUTE,
      annotations: { summary: "{{ $labels.host }} is busy" },
    },
    series: [
      { labels: { job: "web", host: "a" }, values: [1, 2, 8, 9, 9, 9, 2, 1, 1, 1, 9, 9, 9, 9, 1, 1] },
      { labels: { job: "web", host: "b" }, values: [6, 6, 6, null, null, 6, 6, 6, 6, 2, 2, 2, 2, 2, 2, 2] },
    ],
  },
  {
    selector: 'errors{job="api"}',
    rule: {
      ...base,
      name: "ErrorsKeepFiring",
      fn: "max_over_time",
      windowMs: 1 * MINUTE,
      comparator: ">=",
      threshold: 3,
      forMs: 1 * MINUTE,
      keepFiringForMs: 3 * MINUTE,
      annotations: { summary: "max {{ $value }} on {{ $labels.instance }}" },
    },
    series: [
      { labels: { job: "api", instance: "i1" }, values: [0, 3, 4, 5, 0, 0, 0, 0, 0, 0, 3, 0, 4, 4, 0, 0] },
    ],
  },
  {
    selector: "requests_total",
    rule: {
      ...base,
      name: "RequestRate",
      fn: "rate",
      windowMs: 2 * MINUTE,
      comparator: ">",
      threshold: 1,
      forMs: 1 * MINUTE,
      annotations: {},
    },
    series: [
      // A counter with a reset at minute 8.
      {
        labels: { path: "/" },
        values: [0, 30, 60, 150, 300, 450, 460, 470, 20, 200, 400, 410, 410, 410, 500, 600],
      },
      {
        labels: { path: "/api" },
        values: [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150],
      },
    ],
  },
  {
    selector: "queue_depth",
    rule: {
      ...base,
      name: "QueueCount",
      fn: "count_over_time",
      windowMs: 4 * MINUTE,
      comparator: "<",
      threshold: 3,
      annotations: { summary: "only {{ $value }} samples" },
    },
    series: [
      {
        labels: { queue: "q" },
        values: [1, 1, 1, 1, 1, null, null, null, 1, 1, 1, 1, null, null, null, null],
      },
    ],
  },
  {
    selector: "temperature",
    rule: {
      ...base,
      name: "Cold",
      fn: "min_over_time",
      windowMs: 2 * MINUTE,
      comparator: "<=",
      threshold: 0,
      forMs: 3 * MINUTE,
      annotations: {},
    },
    series: [{ labels: { room: "r" }, values: [5, 0, -1, -2, -1, 0, 3, 4, -5, -5, -5, -5, -5, 5, 5, 5] }],
  },
  {
    selector: "bytes",
    rule: {
      ...base,
      name: "Volume",
      fn: "sum_over_time",
      windowMs: 2 * MINUTE,
      comparator: "!=",
      threshold: 30,
      annotations: {},
    },
    series: [
      { labels: { disk: "d" }, values: [10, 10, 10, 10, 5, 5, 20, 10, 10, 10, 10, 10, 10, 10, 10, 10] },
    ],
  },
];

const seriesInput = (testCase: Case): SeriesInput[] =>
  testCase.series.map((series) => ({
    name: testCase.selector.split("{")[0] ?? "",
    labels: series.labels,
    kind: "counter",
    points: series.values.flatMap((value, index) =>
      value === null ? [] : [{ t: index * MINUTE, v: value }],
    ),
  }));

const promLabels = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(",")}}`;

const json = (value: unknown) => JSON.stringify(value);

function promtoolFiles(testCase: Case, minutes: number) {
  const { rule } = testCase;
  const window = `${rule.windowMs / MINUTE}m`;
  const rules = [
    "groups:",
    "  - name: preview",
    "    rules:",
    `      - alert: ${rule.name}`,
    `        expr: ${json(`${rule.fn}(${testCase.selector}[${window}]) ${rule.comparator} ${rule.threshold}`)}`,
    `        for: ${rule.forMs / MINUTE}m`,
    ...(rule.keepFiringForMs ? [`        keep_firing_for: ${rule.keepFiringForMs / MINUTE}m`] : []),
    `        labels: ${json(rule.labels)}`,
    `        annotations: ${json(rule.annotations)}`,
  ];
  const name = testCase.selector.split("{")[0] ?? "";
  const steps = previewRule(rule, seriesInput(testCase), {
    startMs: 0,
    endMs: minutes * MINUTE,
    stepMs: MINUTE,
  });
  const tests = [
    "rule_files: [rules.yml]",
    "evaluation_interval: 1m",
    "tests:",
    "  - interval: 1m",
    "    input_series:",
    ...testCase.series.flatMap((series) => [
      `      - series: ${json(`${name}${promLabels(series.labels)}`)}`,
      `        values: ${json(series.values.map((value) => (value === null ? "_" : String(value))).join(" "))}`,
    ]),
    "    alert_rule_test:",
    ...steps.flatMap((step) => {
      const firing = step.alerts.filter((alert) => alert.state === "firing");
      return [
        `      - eval_time: ${step.t / MINUTE}m`,
        `        alertname: ${rule.name}`,
        `        exp_alerts: ${json(
          firing.map((alert) => {
            const { alertname: _, ...labels } = alert.labels;
            return { exp_labels: labels, exp_annotations: alert.annotations };
          }),
        )}`,
      ];
    }),
  ];
  return {
    rules: rules.join("\n"),
    tests: tests.join("\n"),
    firingSteps: steps.filter((step) => step.alerts.some((alert) => alert.state === "firing")).length,
  };
}

describe("alert rule preview against promtool test rules", () => {
  for (const testCase of cases) {
    it(`${testCase.rule.name}: ${testCase.rule.fn} ${testCase.rule.comparator} ${testCase.rule.threshold} agrees with Prometheus at every minute`, () => {
      const folder = mkdtempSync(join(tmpdir(), "borde-promtool-"));
      try {
        const files = promtoolFiles(testCase, testCase.series[0]?.values.length ?? 0);
        // Each case fires at some minutes and not at others, so agreement says something.
        expect(files.firingSteps).toBeGreaterThan(0);
        writeFileSync(join(folder, "rules.yml"), files.rules);
        writeFileSync(join(folder, "test.yml"), files.tests);
        const run = spawnSync(PROMTOOL, ["test", "rules", "test.yml"], { cwd: folder, encoding: "utf8" });
        expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    });
  }
});
