import { ConfigError } from '../shared/config';
import { startLocalStack } from './stack';

/** `npm start`: the local stack until Ctrl-C. */
async function main(): Promise<void> {
  const stack = await startLocalStack();
  console.log(`guidance-relay local stack ready on ${stack.url}`);
  console.log(`reference web app on ${stack.url}/app/`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, stopping…`);
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `Could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
