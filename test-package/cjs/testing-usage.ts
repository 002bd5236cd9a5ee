// The testing entry from a CommonJS file (not under node10 resolution, which ignores "exports").
import { startMockServer, type MockServer } from '99digital-client/testing';

export async function start(): Promise<MockServer> {
  return startMockServer({ respond: 'message' });
}
