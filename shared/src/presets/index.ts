export * from './colour';
export * from './preset-branding';
export * from './preset-definitions';
export * from './preset-schema';
export * from './resolve-preset';
