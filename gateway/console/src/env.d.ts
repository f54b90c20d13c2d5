// Vite bundles the stylesheet the shell imports.
declare module '*.css';
