import { BridgeSimulator, type BridgeSimulatorOptions } from '../../local/bridge-simulator';
import { childConfig } from '../lib/child';

/**
 * The Bridge simulator in a process of its own, as Bridge is another machine: its CPU (HTTP
 * parsing, random secrets) is not the worker's. Sends its URL, serves until the parent goes.
 */
async function main(): Promise<void> {
  const simulator = new BridgeSimulator(childConfig<BridgeSimulatorOptions>());
  const url = await simulator.start();
  process.on('disconnect', () => void simulator.stop().then(() => process.exit(0)));
  process.send?.({ url });
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
