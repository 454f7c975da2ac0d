/** An outgoing email; the domain composes it, an adapter (SMTP or the outbox folder) delivers it. */
export type MailMessage = { to: string; subject: string; text: string; html: string };

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}
