/**
 * How the agent console gets attention: a short chime made with the Web Audio API (no audio
 * file), which can be muted (remembered in localStorage), and a browser notification while the
 * tab is hidden, once the agent has allowed them. Permission is asked only from a button: a
 * prompt on load is refused by browsers and resented by people.
 *
 * @example
 * const alerts = createAlerts(window);
 * alerts.alert({ title: 'New message', body: 'Vera: hello?', tag: 'conv-1', onClick: open });
 */
import { type ReadonlySignal, signal } from '@preact/signals';

const MUTE_KEY = 'switchboard.support.muted';
/** Chimes closer together than this are one chime: a burst of messages is one sound. */
const CHIME_GAP_MS = 1500;

export type NotifyPermission = NotificationPermission | 'unsupported';

export interface AlertInput {
  title: string;
  body: string;
  /** Notifications with the same tag replace each other (one per conversation). */
  tag: string;
  onClick(): void;
}

export interface Alerts {
  readonly muted: ReadonlySignal<boolean>;
  setMuted(muted: boolean): void;
  readonly permission: ReadonlySignal<NotifyPermission>;
  /** Asks the browser for permission to show notifications (call it from a click). */
  requestPermission(): Promise<void>;
  /** A chime (unless muted), and a notification when the tab is hidden and they are allowed. */
  alert(input: AlertInput): void;
  dispose(): void;
}

type NotificationStatics = typeof Notification;
type AudioContextCtor = typeof AudioContext;

export function createAlerts(win: Window): Alerts {
  const storage = safeStorage(win);
  const muted = signal(readMuted(storage));
  const Notify = (win as Window & { Notification?: NotificationStatics }).Notification;
  const permission = signal<NotifyPermission>(Notify ? Notify.permission : 'unsupported');
  const Audio = (win as Window & { AudioContext?: AudioContextCtor }).AudioContext;
  let audio: AudioContext | null = null;
  let lastChime = 0;

  // NOTE: browsers start an AudioContext suspended until the page gets a user gesture; the first
  // click or key press anywhere unlocks it, so a chime later (with no gesture) can play.
  const unlock = () => {
    if (!Audio) return;
    try {
      audio ??= new Audio();
      if (audio.state === 'suspended') void audio.resume();
    } catch {
      audio = null;
    }
  };
  win.addEventListener('pointerdown', unlock, true);
  win.addEventListener('keydown', unlock, true);

  function chime(): void {
    const now = Date.now();
    if (muted.peek() || now - lastChime < CHIME_GAP_MS) return;
    lastChime = now;
    unlock();
    if (audio?.state !== 'running') return;
    // Two soft sine notes, a fifth apart, each with a quick attack and decay: about 0.35 s.
    const start = audio.currentTime + 0.01;
    for (const [i, frequency] of [880, 1320].entries()) {
      const at = start + i * 0.13;
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.15, at + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.22);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + 0.24);
    }
  }

  function notify(input: AlertInput): void {
    if (!Notify || permission.peek() !== 'granted' || win.document.visibilityState !== 'hidden') return;
    try {
      const shown = new Notify(input.title, { body: input.body, tag: input.tag });
      shown.onclick = () => {
        win.focus();
        input.onClick();
        shown.close();
      };
    } catch {
      // Some browsers only show notifications from a service worker; the chime and title remain.
    }
  }

  return {
    muted,
    setMuted(next) {
      muted.value = next;
      try {
        storage?.setItem(MUTE_KEY, next ? '1' : '0');
      } catch {
        // not remembered, but muted for now
      }
    },
    permission,
    async requestPermission() {
      if (!Notify) return;
      try {
        permission.value = await Notify.requestPermission();
      } catch {
        permission.value = Notify.permission;
      }
    },
    alert(input) {
      chime();
      notify(input);
    },
    dispose() {
      win.removeEventListener('pointerdown', unlock, true);
      win.removeEventListener('keydown', unlock, true);
      void audio?.close().catch(() => {});
      audio = null;
    },
  };
}

function readMuted(storage: Storage | null): boolean {
  try {
    return storage?.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
}

function safeStorage(win: Window): Storage | null {
  try {
    return win.localStorage;
  } catch {
    return null;
  }
}
