import { protocolName, resolvePattern } from './patterns';

describe('resolvePattern', () => {
  test('IKpsk2 puts psk at the end of the second message and keeps the responder static pre-message', () => {
    const pattern = resolvePattern('IKpsk2');
    expect(pattern.responderPreMessage).toEqual(['s']);
    expect(pattern.initiatorPreMessage).toEqual([]);
    expect(pattern.messages).toEqual([
      ['e', 'es', 's', 'ss'],
      ['e', 'ee', 'se', 'psk'],
    ]);
    expect(pattern.hasPsk).toBe(true);
  });

  test('psk0 goes first and several modifiers combine', () => {
    expect(resolvePattern('NNpsk0').messages).toEqual([['psk', 'e'], ['e', 'ee']]);
    expect(resolvePattern('NNpsk0+psk2').messages).toEqual([['psk', 'e'], ['e', 'ee', 'psk']]);
  });

  test('resolving does not mutate the table', () => {
    resolvePattern('XXpsk3');
    expect(resolvePattern('XX').messages[2]).toEqual(['s', 'se']);
  });

  test('one-way patterns are marked', () => {
    expect(resolvePattern('N').oneWay).toBe(true);
    expect(resolvePattern('NN').oneWay).toBe(false);
  });

  test('protocol names follow the Noise naming', () => {
    expect(protocolName('IKpsk2', '25519_AESGCM_SHA256')).toBe('Noise_IKpsk2_25519_AESGCM_SHA256');
  });

  test('unknown names and out-of-range psk positions are refused', () => {
    expect(() => resolvePattern('toString')).toThrow('Unknown Noise pattern');
    expect(() => resolvePattern('NNpsk3')).toThrow('Bad psk modifier');
    expect(() => resolvePattern('NNpskx')).toThrow('Bad psk modifier');
  });
});
