import { applySecretInput } from './prompt-secret';

test('typing echoes stars, Backspace removes, Enter ends, a bracketed paste is taken as typed', () => {
  let step = applySecretInput('', 'ab');
  expect(step).toEqual({ typed: 'ab', done: false, cancelled: false, echo: '**' });
  step = applySecretInput(step.typed, '\x7f');
  expect(step).toMatchObject({ typed: 'a', echo: '\b \b' });
  step = applySecretInput(step.typed, '\x1b[200~ccbk1_XYZ\x1b[201~\r');
  expect(step).toMatchObject({ typed: 'accbk1_XYZ', done: true });
  expect(applySecretInput('', '\x7f')).toMatchObject({ typed: '', echo: '' });
  expect(applySecretInput('abc', '\x03')).toMatchObject({ cancelled: true });
});
