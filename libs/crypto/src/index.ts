export const CRYPTO_PLACEHOLDER = 1;
