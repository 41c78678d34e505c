export * from './messages/error-codes';
