/// <reference types="vite/client" />

// Parts of a locale file (the `localeParts` plugin in renderer/vite.config.ts).
declare module '*.json?except=limits,share' {
  const texts: Record<string, unknown>;
  export default texts;
}
declare module '*.json?only=limits' {
  const texts: Record<string, unknown>;
  export default texts;
}
declare module '*.json?only=share' {
  const texts: Record<string, unknown>;
  export default texts;
}
