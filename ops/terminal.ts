import { createInterface } from 'node:readline/promises';

export interface OpsIo {
  out(line: string): void;
  err(line: string): void;
  /** Asks a yes/no question on a terminal; absent when there is none to ask on (then only --yes proceeds). */
  confirm?(question: string): Promise<boolean>;
}

/** A clear sentence for the errors an operator meets; never a stack trace. */
export function explain(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError' || /credential/i.test(message)) {
    return 'No AWS credentials found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and AWS_REGION, or use --local.';
  }
  if (name === 'ValidationError' && /does not exist/.test(message)) return `${message} Check --stack and --region.`;
  if (/Region is missing/i.test(message)) return 'No AWS region: set AWS_REGION or pass --region.';
  if (name === 'AccessDenied' || name === 'AccessDeniedException' || /not authorized/i.test(message)) return `AWS refused: ${message}`;
  return message;
}

/** Terminal I/O: questions only when stdin is a terminal. */
export function terminalIo(): OpsIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    ...(process.stdin.isTTY
      ? {
          confirm: async (question: string) => {
            const readline = createInterface({ input: process.stdin, output: process.stderr });
            try {
              return /^y(es)?$/i.test((await readline.question(`${question} [y/N] `)).trim());
            } finally {
              readline.close();
            }
          },
        }
      : {}),
  };
}
