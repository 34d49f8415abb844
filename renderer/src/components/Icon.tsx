/** A handful of 16px line icons, drawn inline so the app needs no icon font or assets. */
const PATHS = {
  search: 'M7 12.5a5.5 5.5 0 1 0 0-11 5.5 5.5 0 0 0 0 11ZM11 11l3.5 3.5',
  chevronDown: 'M4 6l4 4 4-4',
  chevronRight: 'M6 4l4 4-4 4',
  check: 'M3 8.5l3 3 7-7',
  close: 'M4 4l8 8M12 4l-8 8',
  copy: 'M5.5 5.5V3a1 1 0 0 1 1-1H13a1 1 0 0 1 1 1v6.5a1 1 0 0 1-1 1h-2.5M3 5.5h6.5a1 1 0 0 1 1 1V13a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6.5a1 1 0 0 1 1-1Z',
  plus: 'M8 3v10M3 8h10',
  sync: 'M13.5 8A5.5 5.5 0 0 1 3.6 11.3M2.5 8a5.5 5.5 0 0 1 9.9-3.3M12.5 2v3h-3M3.5 14v-3h3',
  download: 'M8 2.5v8M4.5 7.5 8 11l3.5-3.5M3 13.5h10',
  upload: 'M8 11V3M4.5 6.5 8 3l3.5 3.5M3 13.5h10',
  more: 'M3.5 8h.01M8 8h.01M12.5 8h.01',
  users: 'M6 7.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5ZM1.5 13.5c0-2.2 2-4 4.5-4s4.5 1.8 4.5 4M11 7.5a2 2 0 1 0 0-4M12 9.6c1.5.5 2.5 1.9 2.5 3.9',
  shield: 'M8 1.8l5 2v3.7c0 3.1-2.1 5.6-5 6.7-2.9-1.1-5-3.6-5-6.7V3.8l5-2Z',
  mail: 'M2 3.5h12v9H2zM2 4l6 4.5L14 4',
  layers: 'M8 2 1.5 5.5 8 9l6.5-3.5L8 2ZM1.5 8.5 8 12l6.5-3.5M1.5 11.5 8 15l6.5-3.5',
  receipt: 'M3.5 1.5h9v13l-1.5-1-1.5 1-1.5-1-1.5 1-1.5-1-1.5 1v-13ZM6 5h4M6 8h4M6 11h2',
  building: 'M2.5 14.5v-12h7v12M9.5 6.5h4v8M5 5h2M5 8h2M5 11h2M11.5 9h.01M11.5 11.5h.01M1.5 14.5h13',
  alert: 'M8 1.8 15 14H1L8 1.8ZM8 6v4M8 12h.01',
  home: 'M2 7.5 8 2.5l6 5M3.5 6.5v7.5h3.5v-4h2v4h3.5V6.5',
  history: 'M2.5 8a5.5 5.5 0 1 0 1.6-3.9M2 2v3h3M8 5v3.2l2 1.3',
  dot: 'M8 8h.01',
  key: 'M10 9.5a3.5 3.5 0 1 0-3.3-2.4L2 11.8V14h2.2v-1.5h1.5V11h1.5l1-1a3.5 3.5 0 0 0 1.8-.5ZM11 5h.01',
  card: 'M1.5 3.5h13v9h-13zM1.5 6.5h13M4 10h3',
  signOut: 'M6 14H3a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1h3M10.5 11.5 14 8l-3.5-3.5M14 8H6',
  cloudOff: 'M2 2l12 12M5.5 5.6A3.5 3.5 0 0 0 4 12.5h7.5M13.5 11.6A3 3 0 0 0 11 6.5 4.5 4.5 0 0 0 7.8 3.5',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 16, className }: { name: IconName; size?: number; className?: string }) {
  return (
    <svg
      className={className === undefined ? 'icon' : `icon ${className}`}
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.5}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
