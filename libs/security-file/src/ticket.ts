// A ticket: the single-use secret a .sec file carries (its id travels in clear, its PSK never does).
import { randomBytes } from 'node:crypto';
import { PSK_BYTES, TICKET_ID_BYTES } from './constants';

export interface TicketSecret {
  /** base64url of 16 random bytes */
  ticketId: string;
  /** base64 of 32 random bytes */
  psk: string;
}

export interface Ticket extends TicketSecret {
  issuedAt: number;
  expiresAt: number;
}

export function newTicketSecret(): TicketSecret {
  return {
    ticketId: randomBytes(TICKET_ID_BYTES).toString('base64url'),
    psk: randomBytes(PSK_BYTES).toString('base64'),
  };
}
