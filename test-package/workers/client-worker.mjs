// A Cloudflare Worker (run in workerd by scripts/test-package.mjs) that sends one message with the
// installed package and answers with what it got. No nodejs_compat: the client needs only fetch.
import { ApiError, createClient, Digital99Error } from '99digital-client';

export default {
  async fetch(_request, env) {
    const client = createClient({ apiAccessToken: env.TOKEN, baseUrl: env.TARGET, retry: false });
    try {
      const { data, response, requestId } = await client.messages
        .create({ account_id: 1, conversation_id: 42, content: 'Hello from a Worker', message_type: 'outgoing' })
        .withResponse();
      // The server answers 404 the second time: the error must be the package's own class.
      const failed = await client.messages.create({ account_id: 1, conversation_id: 404, content: 'Nobody there' }).catch((error) => error);
      return Response.json({
        ok: true,
        userAgent: navigator.userAgent,
        hasProcess: typeof process !== 'undefined',
        id: data.id,
        status: response.status,
        requestId,
        error: {
          name: failed.name,
          isApiError: failed instanceof ApiError && failed instanceof Digital99Error,
          status: failed.status,
          requestId: failed.requestId,
        },
      });
    } catch (error) {
      return Response.json({ ok: false, name: error?.name, message: String(error?.message ?? error) }, { status: 500 });
    }
  },
};
