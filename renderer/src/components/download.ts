import type { ExportedFile } from '@shared/ipc/models';

/** The bytes of an exported file: UTF-8 text as is, a binary (PDF) decoded from base64. */
export function exportedFileBytes(file: ExportedFile): Uint8Array<ArrayBuffer> {
  if (file.encoding === 'utf8') return new TextEncoder().encode(file.content);
  const binary = atob(file.content);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** A file name safe to offer for saving: no path separators or control characters. */
export function safeFileName(name: string): string {
  const withoutControls = [...name].map((ch) => (ch.charCodeAt(0) < 0x20 ? '-' : ch)).join('');
  const cleaned = withoutControls.replace(/[\\/:*?"<>|]+/g, '-').replace(/^\.+/, '').trim();
  return cleaned === '' ? 'export' : cleaned.slice(0, 200);
}

/** Offers the file for download (Electron shows its save dialog; a browser saves it). */
export function saveExportedFile(file: ExportedFile): void {
  const blob = new Blob([exportedFileBytes(file)], { type: file.mimeType });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = safeFileName(file.fileName);
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
