/**
 * A virtualized vertical list for the message pane: only the rows in view plus an overscan are
 * rendered, between two spacers; rows have any height and are measured once rendered (and again
 * when they resize, e.g. an image loads). Unmeasured rows count as `estimate` px.
 *
 * The scroll position is kept by an anchor: the first row in view and how far its top is from the
 * viewport's top. Whatever changes above it (older pages prepended, rows measured, a loading line
 * shown) the anchor row stays where the reader sees it. At the bottom the list sticks to the
 * bottom instead. No library: the anchoring is what a chat list needs and is most of this file;
 * a generic virtualizer would need it written around it anyway. Framework-free; MessageList
 * drives it from its render and layout effect.
 */

export interface Range {
  /** First rendered row. */
  readonly start: number;
  /** One past the last rendered row. */
  readonly end: number;
}

interface Anchor {
  readonly key: number;
  /** The row's top minus the viewport's top (px). */
  readonly delta: number;
}

interface Reveal {
  readonly key: number;
  readonly done?: ((row: HTMLElement) => void) | undefined;
}

/** How close to the bottom (px) still counts as reading the newest messages. */
export const STICK_PX = 48;

export class VirtualRows {
  /** Called when a re-render is needed (another range, stick or anchor change). */
  onChange: () => void = () => {};
  /** Whether sticking to the bottom is allowed (the bottom is the room's newest message). */
  canStick = true;
  estimate = 64;
  /** Rendered beyond the viewport, each side (px). */
  overscan = 600;

  #keys: readonly number[] = [];
  #index = new Map<number, number>();
  #heights = new Map<number, number>();
  /** offsets[i]: top of row i within the rows' box; offsets[n]: their total height. */
  #offsets: number[] = [0];
  #dirty = true;
  #stick = true;
  #anchor: Anchor | undefined;
  #reveal: Reveal | undefined;
  #rendered: Range = { start: 0, end: 0 };
  /** Scroller geometry as last read. */
  #scrollTop = 0;
  #viewport = 800;
  /** Top of the rows' box within the scroller's content. */
  #bodyTop = 0;
  #scroller: HTMLElement | null = null;
  #body: HTMLElement | null = null;
  #observer: ResizeObserver | undefined;
  #observed = new Set<Element>();

  get stuck(): boolean {
    return this.#stick && this.canStick;
  }

  /** The first row (fully or partly) in view, or -1. */
  get topIndex(): number {
    if (!this.#keys.length) return -1;
    return this.#find(this.#scrollTop - this.#bodyTop);
  }

  /** The last row (fully or partly) in view, or -1. */
  get bottomIndex(): number {
    if (!this.#keys.length) return -1;
    return this.#find(this.#scrollTop - this.#bodyTop + this.#viewport - 1);
  }

  /** Px between the viewport's top and the first row's top (0 or less: the first row is in view). */
  get aboveRows(): number {
    return this.#scrollTop - this.#bodyTop;
  }

  /** Px between the last row's bottom and the viewport's bottom. */
  get belowRows(): number {
    return this.#bodyTop + this.total - this.#scrollTop - this.#viewport;
  }

  get total(): number {
    this.#layout();
    return this.#offset(this.#keys.length);
  }

  indexOf(key: number): number | undefined {
    return this.#index.get(key);
  }

  /** Called while rendering, with the row keys in order. */
  setKeys(keys: readonly number[]): void {
    if (keys === this.#keys) return;
    this.#keys = keys;
    this.#index = new Map(keys.map((k, i) => [k, i]));
    this.#dirty = true;
  }

  /** The rows to render now, with the spacers' heights. */
  range(): Range & { readonly padTop: number; readonly padBottom: number } {
    this.#layout();
    const top = this.#predictScrollTop() - this.#bodyTop;
    const n = this.#keys.length;
    const start = n ? this.#find(top - this.overscan) : 0;
    const end = n ? this.#find(top + this.#viewport + this.overscan) + 1 : 0;
    this.#rendered = { start, end };
    return { start, end, padTop: this.#offset(start), padBottom: this.total - this.#offset(end) };
  }

  /** Scroll `key` to the middle of the view once it is rendered, then call `done` with its row. */
  reveal(key: number, done?: (row: HTMLElement) => void): void {
    this.#reveal = { key, done };
    this.#stick = false;
    this.onChange();
  }

  /** The reader took over (wheel, touch, keys): a reveal still waiting for its row is dropped. */
  cancelReveal(): void {
    this.#reveal = undefined;
  }

  /** Go to the bottom and stay there. */
  toBottom(): void {
    this.#stick = true;
    this.#reveal = undefined;
    this.onChange();
  }

  /** After every render: measure what was rendered and put the scroll position right. */
  attach(scroller: HTMLElement, body: HTMLElement): void {
    this.#scroller = scroller;
    this.#body = body;
    if (!this.#observer && typeof ResizeObserver !== 'undefined') {
      this.#observer = new ResizeObserver(() => this.#settle());
      this.#observer.observe(scroller);
    }
    this.#watchRows();
    this.#settle();
  }

  detach(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
    this.#observed.clear();
  }

  /** The reader scrolled (or we did). */
  onScroll(): void {
    const el = this.#scroller;
    if (!el) return;
    this.#readGeometry();
    const stick = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    const changed = stick !== this.#stick;
    this.#stick = stick;
    this.#anchor = this.#anchorAt(this.#scrollTop);
    const want = this.range();
    if (changed || want.start !== this.#shown.start || want.end !== this.#shown.end) this.onChange();
    else this.#rendered = this.#shown;
  }

  /** What the DOM holds (range() may have been asked since). */
  #shown: Range = { start: 0, end: 0 };

  #watchRows(): void {
    const body = this.#body;
    if (!body || !this.#observer) return;
    const now = new Set<Element>(body.children);
    for (const el of this.#observed) if (!now.has(el)) this.#observer.unobserve(el);
    for (const el of now) if (!this.#observed.has(el)) this.#observer.observe(el);
    this.#observed = now;
  }

  /** Measure rendered rows; then stick, reveal or hold the anchor; re-render if the range moved. */
  #settle(): void {
    const el = this.#scroller;
    const body = this.#body;
    if (!el || !body || !el.isConnected) return;
    this.#shown = this.#rendered;
    this.#measure(body);
    this.#readGeometry();
    const reveal = this.#reveal;
    const revealAt = reveal ? this.#index.get(reveal.key) : undefined;
    if (reveal && revealAt !== undefined) {
      const h = this.#heights.get(reveal.key) ?? this.estimate;
      this.#anchor = { key: reveal.key, delta: Math.max(0, (this.#viewport - h) / 2) };
      this.#stick = false;
    }
    let target: number | undefined;
    if (this.stuck) target = el.scrollHeight - el.clientHeight;
    else if (this.#anchor && this.#index.has(this.#anchor.key)) {
      target = this.#bodyTop + this.#offset(this.#index.get(this.#anchor.key)!) - this.#anchor.delta;
    }
    if (target !== undefined && Math.abs(el.scrollTop - target) >= 1) {
      el.scrollTop = target;
      this.#readGeometry();
    }
    if (reveal && revealAt !== undefined) {
      // Where it landed (the top or bottom of the content may not let it be centred).
      this.#anchor = { key: reveal.key, delta: this.#bodyTop + this.#offset(revealAt) - this.#scrollTop };
    } else if (!this.stuck) this.#anchor = this.#anchorAt(this.#scrollTop);
    const want = this.range();
    this.#rendered = this.#shown;
    if (want.start !== this.#shown.start || want.end !== this.#shown.end) {
      this.onChange();
      return;
    }
    if (reveal && revealAt !== undefined && revealAt >= this.#shown.start && revealAt < this.#shown.end) {
      this.#reveal = undefined;
      const row = body.children[revealAt - this.#shown.start];
      if (row instanceof HTMLElement) reveal.done?.(row);
    }
  }

  #measure(body: HTMLElement): void {
    const { start } = this.#shown;
    const rows = body.children;
    for (let i = 0; i < rows.length; i++) {
      const key = this.#keys[start + i];
      if (key === undefined) break;
      const h = rows[i]!.getBoundingClientRect().height;
      if (h > 0 && this.#heights.get(key) !== h) {
        this.#heights.set(key, h);
        this.#dirty = true;
      }
    }
  }

  #readGeometry(): void {
    const el = this.#scroller;
    const body = this.#body;
    if (!el || !body) return;
    this.#scrollTop = el.scrollTop;
    this.#viewport = el.clientHeight || this.#viewport;
    this.#bodyTop = body.getBoundingClientRect().top - el.getBoundingClientRect().top + el.scrollTop;
  }

  /** Where the scroll position will be after the next settle, so one render gets the range right. */
  #predictScrollTop(): number {
    if (this.stuck) return this.#bodyTop + this.#offset(this.#keys.length) - this.#viewport;
    const reveal = this.#reveal && this.#index.get(this.#reveal.key);
    if (reveal !== undefined) return this.#bodyTop + this.#offset(reveal) - this.#viewport / 2;
    const a = this.#anchor && this.#index.get(this.#anchor.key);
    if (a !== undefined) return this.#bodyTop + this.#offset(a) - this.#anchor!.delta;
    return this.#scrollTop;
  }

  #anchorAt(scrollTop: number): Anchor | undefined {
    if (!this.#keys.length) return undefined;
    const i = this.#find(scrollTop - this.#bodyTop);
    return { key: this.#keys[i]!, delta: this.#bodyTop + this.#offset(i) - scrollTop };
  }

  /** The row at `y` px into the rows' box, clamped to the rows. */
  #find(y: number): number {
    this.#layout();
    const n = this.#keys.length;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#offset(mid) <= y) lo = mid;
      else hi = mid - 1;
    }
    return Math.max(0, Math.min(lo, n - 1));
  }

  /** Top of row i within the rows' box (i = n: their total height). */
  #offset(i: number): number {
    this.#layout();
    return this.#offsets[i]!;
  }

  #layout(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    const n = this.#keys.length;
    const offsets = new Array<number>(n + 1);
    offsets[0] = 0;
    for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + (this.#heights.get(this.#keys[i]!) ?? this.estimate);
    this.#offsets = offsets;
  }
}
