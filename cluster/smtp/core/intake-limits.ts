// How much mail one party may hand the daemon, as decisions without sockets or clocks (time
// comes in as nowMs): messages per envelope sender per hour from sessions without login (a
// sender address is all an unauthenticated client names), and messages per logged-in user per
// hour, SMTP submission and the webmail's Mail.Send together. Refusals are temporary (RFC 3463
// X.7.1: delivery not authorized now), so a well-behaved client simply tries later.
import { RateWindow } from './rate-window.ts';
import { SmtpError } from './smtp-policy.ts';

const hourMs = 3_600_000;

export interface IntakeSettings {
  inboundMessagesPerSenderPerHourMax: number;
  sendsPerUserPerHourMax: number;
}

export class IntakeLimits {
  private readonly senders: RateWindow;
  private readonly users: RateWindow;

  constructor(settings: IntakeSettings) {
    this.senders = new RateWindow(settings.inboundMessagesPerSenderPerHourMax, hourMs);
    this.users = new RateWindow(settings.sendsPerUserPerHourMax, hourMs);
  }

  /** MAIL FROM of a session without login: throws 451 4.7.1 past the sender's hourly limit. */
  checkSender(address: string, nowMs: number): void {
    if (!this.senders.allows(address.toLowerCase(), nowMs)) {
      throw new SmtpError(451, `4.7.1 Too many messages from <${address}> this hour; try again later`);
    }
  }

  recordSender(address: string, nowMs: number): void {
    this.senders.record(address.toLowerCase(), nowMs);
  }

  /** A logged-in user starting a message: throws 451 4.7.1 past the user's hourly limit. */
  checkUser(user: string, nowMs: number): void {
    if (!this.users.allows(user, nowMs)) throw new SmtpError(451, '4.7.1 You have sent too many messages this hour; try again later');
  }

  recordUser(user: string, nowMs: number): void {
    this.users.record(user, nowMs);
  }
}

/** A connection that has delivered its share: 451 4.7.1, the client reconnects to go on. */
export function connectionMessagesError(max: number): SmtpError {
  return new SmtpError(451, `4.7.1 At most ${max} messages per connection; reconnect to send more`);
}
