/** A few stroke icons (24 x 24, currentColor), always decorative: the control carries the name. */
const paths = {
  menu: 'M4 6h16M4 12h16M4 18h16',
  close: 'M6 6l12 12M18 6L6 18',
  globe:
    'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18zM3 12h18M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3z',
  send: 'M4 12l16-8-6 16-2.5-6.5L4 12z',
  plus: 'M12 5v14M5 12h14',
  logout: 'M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 16l-4-4 4-4M6 12h10',
  chart: 'M4 20h16M7 16v-5M12 16V6M17 16v-8',
  bolt: 'M13 3L5 13.5h6L10 21l8-10.5h-6L13 3z',
  download: 'M12 4v11M7 10.5l5 5 5-5M5 20h14',
  key: 'M14.5 3a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13zM10 14l-7 7M5.5 18.5l2.5 2.5M8 16l2 2M16 7.5h.01',
  copy: 'M9 9h11v11H9zM5 15H4V4h11v1',
  users:
    'M9 11a4 4 0 1 0 0-8a4 4 0 0 0 0 8zM2 21c0-3.9 3.1-7 7-7s7 3.1 7 7M16 3.5a4 4 0 0 1 0 7M18 14c2.4.8 4 3.2 4 6',
  headset:
    'M4 14v-2a8 8 0 0 1 16 0v2M4 14a2 2 0 0 1 2-2h1v6H6a2 2 0 0 1-2-2v-2zM20 14a2 2 0 0 0-2-2h-1v6h1a2 2 0 0 0 2-2v-2zM18 18c0 1.7-1.8 3-5 3',
  site: 'M3 5h18v14H3zM3 9h18M7 7h.01M10 7h.01',
  bell: 'M6 16V11a6 6 0 0 1 12 0v5l2 2H4l2-2zM10 21h4',
  sound: 'M4 9h4l5-4v14l-5-4H4zM16.5 8.5a5 5 0 0 1 0 7M19 6a8.5 8.5 0 0 1 0 12',
  muted: 'M4 9h4l5-4v14l-5-4H4zM17 9l5 6M22 9l-5 6',
  back: 'M15 5l-7 7 7 7',
  info: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18zM12 11v6M12 7.5v.01',
  note: 'M5 4h14v11l-5 5H5zM14 20v-5h5M8 9h8M8 13h4',
  canned: 'M4 6h16M4 12h10M4 18h7M17 15l3 3-3 3',
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name }: { name: IconName }) {
  return (
    <svg
      class="icon"
      viewBox="0 0 24 24"
      width="20"
      height="20"
      fill="none"
      stroke="currentColor"
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={paths[name]} />
    </svg>
  );
}
