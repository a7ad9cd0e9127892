export * from './routing-modes';
export * from './router-config';
export * from './smoothing';
export * from './routed-emotion';
export * from './stream-route-state';
export * from './emotion-router';
export * from './route-emotions';
