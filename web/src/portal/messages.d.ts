/** Built by the haven-portal-messages plugin (web/vite.config.ts): the portal's keys of one catalog. */
declare module 'virtual:portal-messages/*' {
  const messages: Record<string, string>;
  export default messages;
}
