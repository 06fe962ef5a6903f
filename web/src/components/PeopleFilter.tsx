import { t } from '../i18n/index.ts';

interface Props {
  /** The input's name (tests and autofill tell the pickers apart by it). */
  readonly name: string;
  readonly value: string;
  readonly onInput: (value: string) => void;
  /** undefined while the people are loading. */
  readonly people: readonly unknown[] | undefined;
  /** How many match the filter. */
  readonly shown: number;
}

/** The filter box of a people picker, with its "loading" and "nobody" lines. */
export function PeopleFilter({ name, value, onInput, people, shown }: Props) {
  return (
    <>
      <input
        name={name}
        placeholder={t('rooms.pickFilter')}
        aria-label={t('rooms.pickFilter')}
        value={value}
        autoComplete="off"
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      {people === undefined && <p class="muted">{t('rooms.pickLoading')}</p>}
      {people !== undefined && shown === 0 && <p class="muted">{t('rooms.pickNone')}</p>}
    </>
  );
}
