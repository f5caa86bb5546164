import { describe, expect, it } from "vitest";
import { decideGroup, type GroupState } from "../../../workers/alerts/grouping.ts";
import { signature } from "../../../workers/alerts/notification-body.ts";
import type { NotifiedAlert } from "../../../workers/alerts/tables.ts";

const SECOND = 1000;
const TIMING = {
  groupWaitMs: 30 * SECOND,
  groupIntervalMs: 300 * SECOND,
  repeatIntervalMs: 4 * 3600 * SECOND,
  sendResolved: true,
};
const alert = (key: string, status: "firing" | "resolved"): NotifiedAlert => ({
  key,
  rule_id: "rule",
  status,
  labels: { host: key },
  annotations: {},
  starts_at: "2026-12-01T00:00:00.000Z",
  ends_at: null,
  value: 1,
});
const keys = (sent: NotifiedAlert[] | null) => sent?.map((entry) => `${entry.key}:${entry.status}`) ?? null;

describe("decideGroup", () => {
  it("waits group_wait before a new group's first notification", () => {
    const first = decideGroup(TIMING, [alert("a", "firing")], undefined, 0);
    expect(first).toEqual({ send: null, next: { firstSeenAt: 0, lastSentAt: null, notifiedKeys: [] } });
    const second = decideGroup(TIMING, [alert("a", "firing")], first.next ?? undefined, 60 * SECOND);
    expect(keys(second.send)).toEqual(["a:firing"]);
  });

  it("tells a change no sooner than group_interval, and an unchanged group every repeat_interval", () => {
    const sent: GroupState = { firstSeenAt: 0, lastSentAt: 0, notifiedKeys: ["a"] };
    const both = [alert("a", "firing"), alert("b", "firing")];
    expect(decideGroup(TIMING, both, sent, 240 * SECOND).send).toBeNull();
    expect(keys(decideGroup(TIMING, both, sent, 300 * SECOND).send)).toEqual(["a:firing", "b:firing"]);
    const same = [alert("a", "firing")];
    expect(decideGroup(TIMING, same, sent, 3600 * SECOND).send).toBeNull();
    expect(keys(decideGroup(TIMING, same, sent, 4 * 3600 * SECOND).send)).toEqual(["a:firing"]);
  });

  it("tells a resolution only of alerts it told firing, and only with send_resolved", () => {
    const sent: GroupState = { firstSeenAt: 0, lastSentAt: 0, notifiedKeys: ["a"] };
    const resolved = [alert("a", "resolved"), alert("never-told", "resolved")];
    const told = decideGroup(TIMING, resolved, sent, 300 * SECOND);
    expect(keys(told.send)).toEqual(["a:resolved"]);
    expect(told.next).toBeNull();
    const quiet = decideGroup({ ...TIMING, sendResolved: false }, resolved, sent, 300 * SECOND);
    expect(quiet).toEqual({ send: null, next: null });
  });
});

describe("signature", () => {
  it("is HMAC-SHA256 in hex over `<t>.<body>`, as the receiver docs say", async () => {
    // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
    expect(await signature("secret", 1_700_000_000, '{"a":1}')).toBe(
      "t=1700000000,v1=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686",
    );
  });
});
