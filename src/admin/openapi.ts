export function openApiDocument(publicUrl: string) {
  return { openapi: '3.1.0', info: { title: 'seatd', version: '0.1.0' }, servers: [{ url: publicUrl }], paths: {} };
}
