/**
 * The interactive screen: a readline prompt, with incoming lines printed above it without
 * mangling what is being typed. Without a TTY (--interactive over pipes) it prints plain lines.
 */
import { clearLine, clearScreenDown, createInterface, cursorTo, moveCursor, type Interface } from 'node:readline';
import { visibleLength } from './render.ts';

export interface TerminalIO {
  readonly input: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export class Terminal {
  readonly #rl: Interface;
  readonly #out: TerminalIO['output'];
  readonly #tty: boolean;

  constructor(io: TerminalIO, completer: (line: string) => [string[], string]) {
    this.#out = io.output;
    this.#tty = io.input.isTTY === true && io.output.isTTY === true;
    this.#rl = createInterface({ input: io.input, output: io.output, terminal: this.#tty, completer });
  }

  get isTTY(): boolean {
    return this.#tty;
  }

  /** Print above the prompt, then redraw the prompt and the half-typed line. */
  print(text: string): void {
    if (!this.#tty) {
      this.#out.write(`${text}\n`);
      return;
    }
    clearLine(this.#out, 0);
    cursorTo(this.#out, 0);
    this.#out.write(`${text}\n`);
    this.#rl.prompt(true);
  }

  setPrompt(prompt: string): void {
    this.#rl.setPrompt(prompt);
    if (this.#tty) this.#rl.prompt(true);
  }

  /**
   * A line was entered: on a TTY take its echo off the screen (prompt + text, over as many rows
   * as it wrapped to), because it comes back as a message line with time and sender.
   */
  eraseEntered(line: string): void {
    if (!this.#tty) return;
    const columns = this.#out.columns || 80; // 0 when the terminal does not say
    const rows = Math.max(1, Math.ceil(visibleLength(this.#rl.getPrompt() + line) / columns));
    moveCursor(this.#out, 0, -rows);
    cursorTo(this.#out, 0);
    clearScreenDown(this.#out);
  }

  prompt(): void {
    if (this.#tty) this.#rl.prompt();
  }

  onLine(fn: (line: string) => void): void {
    this.#rl.on('line', fn);
  }

  /** Ctrl+D, end of input, or close(). */
  onClose(fn: () => void): void {
    this.#rl.on('close', fn);
  }

  /** Ctrl+C at the prompt. */
  onInterrupt(fn: () => void): void {
    this.#rl.on('SIGINT', fn);
  }

  close(): void {
    this.#rl.close();
    if (this.#tty) this.#out.write('\n'); // the shell's prompt starts on a line of its own
  }
}
