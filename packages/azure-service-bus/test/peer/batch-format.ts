import { message as rheaMessage, type Message } from 'rhea';

/** The message format of `sendMessages([...])`: one envelope whose data sections are encoded messages. */
export const BATCH_MESSAGE_FORMAT = 0x80013700;

/** One message as received on a topic: its encoding (to forward unchanged), time-to-live and application properties (for rules). */
export interface IncomingTopicMessage {
  readonly encoded: Buffer;
  readonly ttlMs: number | undefined;
  readonly properties: Readonly<Record<string, unknown>>;
}

function incoming(encoded: Buffer, decoded: Pick<Message, 'ttl' | 'application_properties'>): IncomingTopicMessage {
  return { encoded, ttlMs: decoded.ttl, properties: decoded.application_properties ?? {} };
}

/** Splits what a sender link delivered into the messages it carries: one, or each section of a batch. */
export function unpackTransfer(payload: Message | Buffer, format: number | undefined): IncomingTopicMessage[] {
  if (format === BATCH_MESSAGE_FORMAT && Buffer.isBuffer(payload)) {
    const envelope = rheaMessage.decode(payload);
    const body = envelope['body'] as { content: Buffer | Buffer[]; multiple?: boolean } | undefined;
    const sections = body === undefined ? [] : Array.isArray(body.content) ? body.content : [body.content];
    return sections.map((encoded) => incoming(encoded, rheaMessage.decode(encoded) as Pick<Message, 'ttl' | 'application_properties'>));
  }
  if (Buffer.isBuffer(payload)) throw new Error(`unsupported message format 0x${(format ?? 0).toString(16)}`);
  return [incoming(rheaMessage.encode(payload), payload)];
}
