import { describe, expect, it } from "vitest";
import { isTerminal, nextStatus, statusCallbackUrl } from "../../../workers/channels/whatsapp/status.ts";
import {
  InboundMessageSchema,
  MESSAGE_STATUSES,
  type MessageStatus,
  StatusCallbackSchema,
} from "../../../workers/channels/whatsapp/wire.ts";
import { TEST_TWILIO_ACCOUNT_SID } from "../../support/constants.ts";

const MESSAGE_SID = "SM0123456789abcdef0123456789abcdef";

const inbound = (extra: Record<string, string> = {}) => ({
  MessageSid: MESSAGE_SID,
  SmsMessageSid: MESSAGE_SID,
  AccountSid: TEST_TWILIO_ACCOUNT_SID,
  From: "whatsapp:+14155550100",
  To: "whatsapp:+14155550199",
  Body: "Hello",
  NumMedia: "0",
  ProfileName: "Ada",
  WaId: "14155550100",
  ApiVersion: "2010-04-01",
  ...extra,
});

describe("WhatsApp inbound message form", () => {
  it("reads a text message as numbers without the whatsapp: prefix", () => {
    expect(InboundMessageSchema.parse(inbound())).toEqual({
      message_sid: MESSAGE_SID,
      account_sid: TEST_TWILIO_ACCOUNT_SID,
      from: "+14155550100",
      to: "+14155550199",
      body: "Hello",
      profile_name: "Ada",
      media: [],
    });
  });

  it("keeps media as references (URL and content type)", () => {
    const message = InboundMessageSchema.parse(
      inbound({
        Body: "",
        NumMedia: "2",
        MediaUrl0: "https://api.twilio.com/2010-04-01/Accounts/AC…/Messages/MM…/Media/ME1",
        MediaContentType0: "image/jpeg",
        MediaUrl1: "https://api.twilio.com/2010-04-01/Accounts/AC…/Messages/MM…/Media/ME2",
        MediaContentType1: "audio/ogg",
      }),
    );
    expect(message.media.map((item) => item.content_type)).toEqual(["image/jpeg", "audio/ogg"]);
  });

  it("names each invalid field", () => {
    const result = InboundMessageSchema.safeParse(
      inbound({ MessageSid: "nope", From: "+14155550100", NumMedia: "1" }),
    );
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual(["MessageSid", "From"]);
  });

  it("refuses a message announcing media it does not carry, or carrying nothing", () => {
    expect(InboundMessageSchema.safeParse(inbound({ NumMedia: "1" })).error?.issues[0]?.path).toEqual([
      "MediaUrl0",
    ]);
    expect(InboundMessageSchema.safeParse(inbound({ Body: "" })).error?.issues[0]?.path).toEqual(["Body"]);
  });
});

describe("WhatsApp status callbacks", () => {
  it("read Twilio's status callback form", () => {
    expect(
      StatusCallbackSchema.parse({
        MessageSid: MESSAGE_SID,
        AccountSid: TEST_TWILIO_ACCOUNT_SID,
        MessageStatus: "undelivered",
        ErrorCode: "63016",
        ChannelPrefix: "whatsapp",
      }),
    ).toEqual({
      message_sid: MESSAGE_SID,
      account_sid: TEST_TWILIO_ACCOUNT_SID,
      status: "undelivered",
      error_code: 63016,
    });
  });

  it("move a message forward along queued < sent < delivered < read", () => {
    expect(nextStatus("queued", "sent")).toBe("sent");
    expect(nextStatus("sent", "delivered")).toBe("delivered");
    expect(nextStatus("delivered", "read")).toBe("read");
    expect(nextStatus("queued", "read")).toBe("read");
  });

  it("never move a status backwards when callbacks arrive out of order", () => {
    expect(nextStatus("delivered", "sent")).toBe("delivered");
    expect(nextStatus("read", "delivered")).toBe("read");
    expect(nextStatus("read", "queued")).toBe("read");
    expect(nextStatus("sent", "sent")).toBe("sent");
  });

  it("treat failed and undelivered as ends that nothing changes", () => {
    expect(nextStatus("sent", "failed")).toBe("failed");
    expect(nextStatus("queued", "undelivered")).toBe("undelivered");
    const everyStatus: readonly MessageStatus[] = MESSAGE_STATUSES;
    for (const reported of everyStatus) {
      expect(nextStatus("failed", reported)).toBe("failed");
      expect(nextStatus("undelivered", reported)).toBe("undelivered");
    }
  });

  it("do not let a late failure undo a delivery", () => {
    expect(nextStatus("delivered", "failed")).toBe("delivered");
    expect(nextStatus("read", "undelivered")).toBe("read");
  });

  it("move through Twilio's early states, accepted and scheduled before queued and sending", () => {
    expect(nextStatus("accepted", "queued")).toBe("queued");
    expect(nextStatus("scheduled", "sending")).toBe("sending");
    expect(nextStatus("sending", "sent")).toBe("sent");
    expect(nextStatus("queued", "accepted")).toBe("queued");
    expect(nextStatus("accepted", "scheduled")).toBe("accepted");
  });

  it("treat a cancelled message as ended too", () => {
    expect(nextStatus("scheduled", "canceled")).toBe("canceled");
    expect(nextStatus("canceled", "delivered")).toBe("canceled");
    expect(MESSAGE_STATUSES.filter(isTerminal)).toEqual(["undelivered", "failed", "canceled"]);
  });

  it("ask Twilio to report to the status route on the host it reached Borde at", () => {
    expect(statusCallbackUrl("https://api.example.com/api/v1/conversations/1/messages")).toBe(
      "https://api.example.com/api/v1/channels/whatsapp/status",
    );
  });
});
