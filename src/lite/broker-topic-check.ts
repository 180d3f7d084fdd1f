import { TopicValidator } from "../rocketmq/message/topics.ts";
import { hasIllegalCharacters, isBlank, LEGAL } from "../rocketmq/message/validators.ts";

/**
 * The broker's own topic check (TopicValidator.validateTopic, on sends and topic updates): why it
 * refuses `topic`, in the broker's words (which differ from the client's), or null.
 */
export function brokerTopicRefusal(topic: string): string | null {
  if (isBlank(topic)) return "The specified topic is blank.";
  if (hasIllegalCharacters(topic)) return `The specified topic contains illegal characters, allowing only ${LEGAL}`;
  if (topic.length > TopicValidator.TOPIC_MAX_LENGTH) return "The specified topic is longer than topic max length.";
  return null;
}
