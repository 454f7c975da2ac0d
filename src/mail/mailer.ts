import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Mailer, MailMessage } from '../domain/mail';
import type { Logger } from '../logger';

/** Sends through SMTP (`SMTP_URL`, e.g. smtp://user:pass@mail.example.com:587). */
export function createSmtpMailer(smtpUrl: string, from: string, logger: Logger): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(message: MailMessage) {
      const info = await transport.sendMail({ from, ...message });
      logger.info({ to: message.to, subject: message.subject, messageId: info.messageId }, 'mail sent');
    },
  };
}

/**
 * With no SMTP configured, each message is written as a real RFC 5322 .eml file (and its text as
 * a .txt beside it) to a folder and logged, so `npm start` works with nothing else installed and a person can open the mail.
 */
export function createOutboxMailer(dir: string, from: string, logger: Logger): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message: MailMessage) {
      const info = await transport.sendMail({ from, ...message });
      fs.mkdirSync(dir, { recursive: true });
      const safeTo = message.to.replace(/[^a-zA-Z0-9@._-]/g, '_');
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${safeTo}.eml`);
      fs.writeFileSync(file, info.message as Buffer);
      // The .eml is wrapped by quoted-printable; a .txt beside it keeps the text (and its link) whole for people and grep.
      fs.writeFileSync(file.replace(/\.eml$/, '.txt'), `To: ${message.to}\nSubject: ${message.subject}\n\n${message.text}\n`);
      logger.info({ to: message.to, subject: message.subject, file }, 'mail written to outbox (no SMTP_URL configured)');
    },
  };
}

export function createMailer(config: { smtpUrl?: string; mailFrom: string; outboxDir: string }, logger: Logger): Mailer {
  return config.smtpUrl
    ? createSmtpMailer(config.smtpUrl, config.mailFrom, logger)
    : createOutboxMailer(config.outboxDir, config.mailFrom, logger);
}
