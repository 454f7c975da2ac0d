/**
 * Sends one signed webhook (`Seatd-Signature`, and `Seatd-Event-Id` when given); throws when the
 * receiver does not answer 2xx. The HTTP side lives outside the domain (src/alerts/webhook.ts).
 */
export type WebhookSender = (url: string, body: string, secret: string, eventId?: string) => Promise<void>;
