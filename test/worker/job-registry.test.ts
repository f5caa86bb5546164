import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { auditRunJob } from "../../workers/audits/jobs.ts";
import { whatsAppSendJob } from "../../workers/channels/whatsapp/jobs.ts";
import { JOB_DEFINITIONS, jobDefinition } from "../../workers/jobs/registry.ts";
import { forEachBounded } from "../../workers/lib/bounded.ts";
import { enqueue, enqueueAll } from "../../workers/queue/enqueue.ts";
import type { QueuedJob } from "../../workers/queue/envelope.ts";

/** A producer binding that keeps what is sent to it, to see which queue a job went to. */
function recordingQueue() {
  const sent: QueuedJob[] = [];
  const queue = {
    send: async (body: QueuedJob) => {
      sent.push(body);
    },
    sendBatch: async (messages: Iterable<MessageSendRequest<QueuedJob>>) => {
      for (const message of messages) sent.push(message.body);
    },
  } as unknown as Queue<QueuedJob>;
  return { sent, queue };
}

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

  it("puts audits on the long queue and WhatsApp sends on the short one, with who enqueued them", async () => {
    const short = recordingQueue();
    const long = recordingQueue();
    const bindings = { ...env, JOBS: short.queue, LONG_JOBS: long.queue };
    const context = { request_id: "req-1" };
    const auditId = crypto.randomUUID();
    await enqueue(bindings, auditRunJob, { audit_id: auditId }, context);
    const send = {
      tenant_id: crypto.randomUUID(),
      message_id: crypto.randomUUID(),
      status_callback: "https://borde.test/api/v1/channels/whatsapp/status",
    };
    await enqueueAll(bindings, whatsAppSendJob, [send, send], context);
    expect(long.sent).toEqual([{ type: "audit.run", audit_id: auditId, context }]);
    expect(short.sent).toEqual([
      { type: "whatsapp.send", ...send, context },
      { type: "whatsapp.send", ...send, context },
    ]);
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
