import { describe, expect, it } from "vitest";
import { auditRunJob } from "../../workers/audits/jobs.ts";
import { JOB_DEFINITIONS, jobDefinition } from "../../workers/jobs/registry.ts";
import { forEachBounded } from "../../workers/lib/bounded.ts";

describe("job registry", () => {
  it("declares each job type once", () => {
    const types = JOB_DEFINITIONS.map((definition) => definition.type);
    expect(new Set(types).size).toBe(types.length);
    expect(types).toEqual(
      expect.arrayContaining(["scheduler.tick", "audit.run", "whatsapp.reply", "whatsapp.send"]),
    );
    expect(jobDefinition("no.such.job")).toBeUndefined();
  });

  it("validates a message by the schema its type declares, and accepts one without context", () => {
    const auditId = crypto.randomUUID();
    expect(auditRunJob.parse({ type: "audit.run", audit_id: auditId })).toEqual({
      success: true,
      job: { type: "audit.run", audit_id: auditId },
    });
    expect(auditRunJob.parse({ type: "audit.run", audit_id: "nope" }).success).toBe(false);
    expect(auditRunJob.parse({ type: "whatsapp.send", audit_id: auditId }).success).toBe(false);
    const badContext = {
      type: "audit.run",
      audit_id: auditId,
      context: { request_id: "r", traceparent: "x" },
    };
    expect(auditRunJob.parse(badContext).success).toBe(false);
  });
});

describe("bounded concurrency", () => {
  it("runs every item, never more than the limit at once, and several at a time", async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await forEachBounded([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 10 + (item % 3) * 5));
      running--;
      done.push(item);
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });
});
