// Run in a project that installed the tarball WITHOUT the optional peer @stoplight/prism-cli: the
// main entry must work, and the testing helper must fail with a message that says what to install.
import { ConfigurationError } from '99digital-client';
import { startMockServer } from '99digital-client/testing';
import { runtimeName } from './check-message.mjs';

let failure;
try {
  const mock = await startMockServer();
  await mock.close();
} catch (error) {
  failure = error;
}
if (failure === undefined) throw new Error('startMockServer started although @stoplight/prism-cli is not installed here');
if (!(failure instanceof ConfigurationError) || !failure.message.includes('npm install -D @stoplight/prism-cli@')) {
  throw failure;
}
console.log(`${runtimeName()}: without Prism, startMockServer says: ${failure.message}`);
