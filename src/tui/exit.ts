/** Ending `parley chat` with a message and one of its documented exit codes. */
import { EXIT } from './args.ts';

export class ChatExit extends Error {
  readonly code: number;

  constructor(kind: keyof typeof EXIT, message: string) {
    super(message);
    this.code = EXIT[kind];
  }
}
