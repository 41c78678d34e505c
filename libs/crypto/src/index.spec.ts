import { CRYPTO_PLACEHOLDER } from './index';
test('placeholder', () => expect(CRYPTO_PLACEHOLDER).toBe(1));
