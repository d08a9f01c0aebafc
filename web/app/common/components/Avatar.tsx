/** A coloured initial; the colour is stable per user id, so a name is easy to spot in a list. */
export const hueOf = (id: string): number => {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % 8;
};

export function Avatar({ id, name, small = false }: { id: string; name: string; small?: boolean }) {
  const initial = [...name][0]?.toUpperCase() ?? '?';
  return (
    <span class={`avatar hue-${hueOf(id)}${small ? ' avatar-small' : ''}`} aria-hidden="true">
      {initial}
    </span>
  );
}
