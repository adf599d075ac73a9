export * from './field-encryption';
export * from './password';
