/**
 * Why an upload was refused, in the user's words: the real limit and the real types, as the
 * server (or the SDK, from the server's welcome) named them in the error — never a copy here.
 */
import { errorCode, errorText, formatBytes } from './format.ts';
import { t } from './i18n/index.ts';
import { intlLocale } from './i18n/intl.ts';

type Kind = 'pdf' | 'images' | 'audio' | 'video' | 'zip' | 'text' | 'other';

const ORDER: readonly Kind[] = ['pdf', 'images', 'audio', 'video', 'zip', 'text'];

function kindOf(type: string): Kind {
  const [major = '', minor = ''] = type.toLowerCase().split('/');
  if (minor === 'pdf') return 'pdf';
  if (major === 'image') return 'images';
  if (major === 'audio') return 'audio';
  if (major === 'video') return 'video';
  if (minor === 'zip' || minor === 'x-zip-compressed') return 'zip';
  if (major === 'text') return 'text';
  return 'other';
}

/** "PDF, images, audio, video, zip and text files" for the allowed content types. */
export function allowedKinds(types: readonly string[]): string {
  const kinds = new Set(types.map(kindOf));
  const names = ORDER.filter((k) => kinds.has(k)).map((k) => t(`files.kind.${k}`));
  // Types outside the usual families are named by their subtype ("epub").
  for (const type of types) if (kindOf(type) === 'other') names.push(type.split('/')[1] ?? type);
  return new Intl.ListFormat(intlLocale(), { type: 'conjunction' }).format(names);
}

/** The words for a failed upload. */
export function uploadErrorText(err: unknown): string {
  const code = errorCode(err);
  const e = (typeof err === 'object' && err !== null ? err : {}) as { maxBytes?: unknown; allowed?: unknown };
  if (code === 'file_too_large' && typeof e.maxBytes === 'number') {
    return t('files.tooLarge', { size: formatBytes(e.maxBytes) });
  }
  if (code === 'file_type_not_allowed' && Array.isArray(e.allowed)) {
    const types = e.allowed.filter((x): x is string => typeof x === 'string');
    return types.length === 0 ? t('files.noUploads') : t('files.typesAllowed', { types: allowedKinds(types) });
  }
  return errorText(err);
}
