export * from './colour';
export * from './design-tokens';
export * from './matches-desired';
export * from './preset-branding';
export * from './preset-definitions';
export * from './preset-schema';
export * from './reconcile';
export * from './resolve-preset';
