// Starts the packaged mock, prints Prism's pid, and waits to be killed. The harness SIGKILLs this
// process and then looks whether Prism went with it (the testing helper means it to).
import { startMockServer } from '99digital-client/testing';

const mock = await startMockServer();
console.log(`MOCK_PID ${mock.pid}`);
setInterval(() => {}, 60_000);
