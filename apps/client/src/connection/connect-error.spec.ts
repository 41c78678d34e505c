import { CloseCode } from '@clawchat/protocol';
import { ROTATED_MESSAGE, isIdentityRotation, ticketRefusalMessage } from './connect-error';

const count = (text: string, part: string) => text.split(part).length - 1;

test('a refused ticket is one sentence with the advice once, whatever the relay wrote as its reason', () => {
  for (const code of [CloseCode.TICKET_EXPIRED, CloseCode.TICKET_USED, CloseCode.TICKET_REVOKED]) {
    const message = ticketRefusalMessage(code) as string;
    expect(count(message, 'this .sec')).toBe(1);
    expect(count(message, 'clawchat-relay issue')).toBe(1);
    expect(count(message, 'clawchat-current.sec')).toBe(1);
    expect(message).not.toContain('(this .sec');
  }
  expect(ticketRefusalMessage(CloseCode.TICKET_USED)).toBe(
    'this .sec was already used by another device (each .sec connects one device) — copy the newest clawchat-current.sec from the relay, or run `clawchat-relay issue` there for a fresh one',
  );
  expect(ticketRefusalMessage(CloseCode.TICKET_EXPIRED)).toMatch(/^this \.sec has expired — copy the newest/);
  expect(ticketRefusalMessage(CloseCode.NORMAL)).toBeUndefined();
});

test("the relay's COMPROMISED reason for rotate-identity is told from a revocation's", () => {
  expect(isIdentityRotation("this device's credential was revoked (relay identity rotated); load a new .sec")).toBe(true);
  expect(isIdentityRotation("this device's credential was revoked (revoke --all); load a new .sec")).toBe(false);
  expect(isIdentityRotation(undefined)).toBe(false);
  expect(ROTATED_MESSAGE).not.toContain('\n');
});
