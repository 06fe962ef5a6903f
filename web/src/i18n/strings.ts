/** One area's strings: the same keys in both languages; `{name}` placeholders are filled by t(). */
export interface Strings {
  readonly en: Readonly<Record<string, string>>;
  readonly zh: Readonly<Record<string, string>>;
}
