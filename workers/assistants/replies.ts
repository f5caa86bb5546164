import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { openAIClient } from "../ai/openai-client.ts";
import type { Config } from "../config/config.ts";
import type { Message } from "../conversations/messages.ts";
import type { MessageSource } from "../conversations/tables.ts";
import { errorFields, type Logger } from "../lib/log.ts";
import type { Assistant } from "./assistants.ts";

/**
 * THE FALLBACK REPLY, not a prompt: what visitors see, stored with `source: "fallback"`, when the model
 * cannot answer (no OPENAI_API_KEY, an error, or a stream cut off midway).
 */
export const FALLBACK_REPLY =
  "Automatic reply: our assistant is unavailable right now. Your message is saved and a person will follow up.";

/** How many earlier messages the assistant sees. */
export const HISTORY_LIMIT = 30;

function toChatMessage(message: Message): ChatCompletionMessageParam | null {
  if (message.role === "visitor") return { role: "user", content: message.text };
  if (message.role === "assistant" || message.role === "agent")
    return { role: "assistant", content: message.text };
  return null;
}

export type AssistantReply = { text: string; source: MessageSource };

/**
 * Streams the assistant's answer to the conversation so far, handing each piece of text to `onDelta` as
 * it arrives. Any failure, including a stream that breaks after some text was sent, ends in the fallback
 * reply: a half answer is never stored as if it were whole.
 */
export async function streamAssistantReply(
  config: Config,
  assistant: Assistant,
  history: Message[],
  onDelta: (text: string) => void,
  log: Logger,
): Promise<AssistantReply> {
  const client = openAIClient(config);
  if (!client) return { text: FALLBACK_REPLY, source: "fallback" };
  try {
    const stream = await client.chat.completions.create({
      model: assistant.model,
      temperature: assistant.temperature,
      stream: true,
      messages: [
        { role: "system", content: assistant.instructions },
        ...history.flatMap((message) => toChatMessage(message) ?? []),
      ],
    });
    let text = "";
    let finished = false;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      const piece = choice?.delta?.content;
      if (piece) {
        text += piece;
        onDelta(piece);
      }
      if (choice?.finish_reason) finished = true;
    }
    // A stream that stops without a finish reason was cut off, even if no error surfaced.
    if (!finished) throw new Error("the reply stream ended before the reply was complete");
    if (!text.trim()) throw new Error("the model returned an empty reply");
    return { text, source: "openai" };
  } catch (error) {
    log.warn("assistant reply failed, sending the fallback", errorFields(error));
    return { text: FALLBACK_REPLY, source: "fallback" };
  }
}
