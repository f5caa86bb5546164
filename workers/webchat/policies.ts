import type { BucketPolicy } from "../ratelimit/buckets.ts";

const perMinute = (count: number): BucketPolicy => ({ capacity: count, refillPerSecond: count / 60 });

/** Messages one visitor may send, across all their tabs and conversations. */
export const VISITOR_MESSAGE_POLICY = perMinute(20);

/** Visitor messages one conversation takes, each of which may cost an assistant reply. */
export const CONVERSATION_MESSAGE_POLICY = perMinute(60);

export const visitorBucket = (contactId: string) => `webchat:visitor:${contactId}`;
export const conversationBucket = (conversationId: string) => `webchat:conversation:${conversationId}`;
