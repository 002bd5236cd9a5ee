// A Worker that tries the testing helper: Workers cannot start child processes, so
// startMockServer must throw the package's ConfigurationError saying so (not crash somewhere deep).
import { ConfigurationError } from '99digital-client';
import { startMockServer } from '99digital-client/testing';

export default {
  async fetch() {
    try {
      const mock = await startMockServer();
      await mock.close();
      return Response.json({ started: true });
    } catch (error) {
      return Response.json({
        started: false,
        name: error?.name,
        isConfigurationError: error instanceof ConfigurationError,
        message: String(error?.message ?? error),
      });
    }
  },
};
