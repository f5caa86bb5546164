// TwiML, the XML Twilio reads from a webhook's answer to know what to do with a call or message.

export const TWIML_CONTENT_TYPE = "text/xml; charset=utf-8";

const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

export const escapeXml = (text: string) => text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char] ?? char);

const document = (body: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;

/** Connects the call to a bidirectional media stream; `parameters` reach the stream's `start` event. */
export function connectStreamTwiml(url: string, parameters: Record<string, string>): string {
  const params = Object.entries(parameters)
    .map(([name, value]) => `<Parameter name="${escapeXml(name)}" value="${escapeXml(value)}"/>`)
    .join("");
  return document(`<Connect><Stream url="${escapeXml(url)}">${params}</Stream></Connect>`);
}

/** Says `text` to the caller, then ends the call. */
export const sayAndHangUpTwiml = (text: string) => document(`<Say>${escapeXml(text)}</Say><Hangup/>`);

/** Acknowledges a webhook without doing anything (Twilio treats an empty Response as "nothing to do"). */
export const emptyTwiml = () => document("");
