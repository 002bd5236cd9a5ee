// Prism answers with the first example of the spec (a text message) whatever was sent. Asking for
// the example that matches the request (`Prefer: example=<name>`) makes --mock's answer look like
// the message sent: a private note for --private, cards for --content-type cards, and so on.
// The names are the 200 response's example keys in openapi.yaml.

export function mockExampleFor(fields: Record<string, unknown>, withFiles: boolean): string {
  if (withFiles) return 'attachment';
  if (fields.private === true) return 'private_note';
  const contentType = fields.content_type;
  if (contentType === 'input_select' || contentType === 'cards' || contentType === 'form' || contentType === 'article') return contentType;
  // A WhatsApp template goes out as an outgoing message; message_type template is another thing.
  if (fields.template_params !== undefined) return 'whatsapp_template';
  switch (fields.message_type) {
    case 'incoming':
      return 'incoming';
    case 'activity':
      return 'activity';
    case 'template':
      return 'template';
    default:
      return 'text';
  }
}

/** A fetch that asks the mock for `example`. */
export function fetchPreferringExample(example: string, fetchImpl: typeof globalThis.fetch = globalThis.fetch): typeof globalThis.fetch {
  return (input, init) => {
    const request = new Request(input, init);
    request.headers.set('prefer', `example=${example}`);
    return fetchImpl(request);
  };
}
