/**
 * Every string the SPA shows, in each language it speaks. Components never hold text of their own:
 * they read `locale.t.value.<key>`. Server messages (form errors, close reasons) are shown as sent.
 *
 * @example
 * const t = catalogs['zh-CN'];
 * t.typing(['alice']); // "alice 正在输入…"
 */
import { CloseCode, type CloseName } from '../../shared/codes.js';

export const LANGS = ['en', 'zh-CN'] as const;
export type Lang = (typeof LANGS)[number];

type Meanings = Record<CloseName | 'unknown', string>;

const englishMeanings: Meanings = {
  ...(Object.fromEntries(
    (Object.keys(CloseCode) as CloseName[]).map((name) => [name, CloseCode[name].meaning]),
  ) as Record<CloseName, string>),
  unknown: 'the connection closed',
};

const en = {
  appName: 'Switchboard',
  /** The document title, with the total unread count when there is one. */
  documentTitle: (unread: number) => (unread > 0 ? `(${unread}) Switchboard` : 'Switchboard'),
  tagline: 'Realtime chat on your own server.',
  loading: 'Loading…',
  language: 'Language',
  langName: { en: 'English', 'zh-CN': '简体中文' } as Record<Lang, string>,
  skipToComposer: 'Skip to the message box',
  networkError: 'Could not reach the server; check your connection and try again.',

  // accounts
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  register: 'Create account',
  registering: 'Creating account…',
  signOut: 'Sign out',
  username: 'Username',
  password: 'Password',
  usernameHint: 'Letters, digits, _ . and -; 3 to 32 bytes.',
  passwordHint: 'At least 8 characters.',
  needAccount: 'New here?',
  haveAccount: 'Already have an account?',
  signedInAs: (name: string) => `Signed in as ${name}`,

  // connection
  connection: 'Connection',
  connecting: 'Connecting…',
  online: 'Online',
  transportName: { websocket: 'WebSocket', polling: 'Long-polling' } as Record<string, string>,
  reconnecting: 'Reconnecting…',
  reconnectingIn: (seconds: number) => `Reconnecting in ${seconds} s`,
  retryNow: 'Retry now',
  offline: 'Offline',
  signInAgain: 'Sign in again',
  reload: 'Reload',
  closeMeaning: englishMeanings,

  // rooms
  rooms: 'Rooms',
  showRooms: 'Show rooms',
  hideRooms: 'Hide rooms',
  yourRooms: 'Your rooms',
  moreRooms: 'More rooms',
  noMoreRooms: 'You are in every room.',
  members: (n: number) => (n === 1 ? '1 member' : `${n} members`),
  unreadCount: (n: number) => `${n} unread`,
  join: 'Join',
  joinRoom: (title: string) => `Join ${title}`,
  leave: 'Leave',
  leaveRoom: (title: string) => `Leave ${title}`,
  newRoom: 'New room',
  createRoom: 'Create room',
  creating: 'Creating…',
  roomTitle: 'Title',
  roomTopic: 'Topic (optional)',
  cancel: 'Cancel',
  pickRoom: 'Pick a room, or create one, to start chatting.',
  notMember: 'You are not in this room yet. Join it to read and send messages.',
  noSuchRoom: 'There is no such room. It may have been removed, or the link is wrong.',

  // chat
  messages: 'Messages',
  loadOlder: 'Load older messages',
  loadingOlder: 'Loading older messages…',
  beginning: 'This is the beginning of the room.',
  empty: 'No messages yet. Say hello!',
  historyFailed: (reason: string) => `Could not load messages: ${reason}`,
  tryAgain: 'Try again',
  message: 'Message',
  messagePlaceholder: (title: string) => `Message ${title}`,
  composerHint: 'Enter to send, Shift+Enter for a new line',
  send: 'Send',
  pending: 'Sending…',
  sent: 'Sent',
  failed: (reason: string) => `Not sent: ${reason}`,
  retry: 'Retry',
  typing: (names: string[]) =>
    names.length === 1
      ? `${names[0]} is typing…`
      : names.length === 2
        ? `${names[0]} and ${names[1]} are typing…`
        : `${names.length} people are typing…`,
  onlineNow: 'Online now',
  onlineCount: (n: number) => `${n} online`,
  you: '(you)',
};

export type Catalog = typeof en;

const zh: Catalog = {
  appName: 'Switchboard',
  documentTitle: (unread) => (unread > 0 ? `(${unread}) Switchboard` : 'Switchboard'),
  tagline: '在你自己的服务器上实时聊天。',
  loading: '加载中…',
  language: '语言',
  langName: { en: 'English', 'zh-CN': '简体中文' },
  skipToComposer: '跳到输入框',
  networkError: '无法连接服务器，请检查网络后重试。',

  signIn: '登录',
  signingIn: '正在登录…',
  register: '注册账号',
  registering: '正在注册…',
  signOut: '退出登录',
  username: '用户名',
  password: '密码',
  usernameHint: '字母、数字、_ . 和 -；3 到 32 字节。',
  passwordHint: '至少 8 个字符。',
  needAccount: '还没有账号？',
  haveAccount: '已有账号？',
  signedInAs: (name) => `已登录：${name}`,

  connection: '连接',
  connecting: '正在连接…',
  online: '在线',
  transportName: { websocket: 'WebSocket', polling: '长轮询' },
  reconnecting: '正在重新连接…',
  reconnectingIn: (seconds) => `${seconds} 秒后重新连接`,
  retryNow: '立即重试',
  offline: '离线',
  signInAgain: '重新登录',
  reload: '重新加载',
  closeMeaning: {
    normal: '连接已正常关闭',
    going_away: '服务器正在重启',
    unsupported_data: '协议不支持二进制帧，请发送 JSON 文本帧',
    invalid_utf8: '文本帧不是有效的 UTF-8',
    too_big: '帧超过 64 KiB 上限，已被丢弃',
    internal: '服务器发生意外错误',
    catch_up: '连接落后太多，请重新连接并按游标追赶',
    protocol_version: '客户端协议版本与服务器不一致，请刷新页面或升级 SDK',
    unauthorized: '没有有效的会话，请重新登录',
    abuse: '短时间内协议错误过多',
    heartbeat_timeout: '心跳超时，连接被判定已断开',
    signed_out: '此会话已退出登录',
    hello_timeout: '连接打开后未及时收到 hello 帧',
    unknown: '连接已关闭',
  },

  rooms: '房间',
  showRooms: '显示房间列表',
  hideRooms: '隐藏房间列表',
  yourRooms: '我的房间',
  moreRooms: '更多房间',
  noMoreRooms: '你已加入所有房间。',
  members: (n) => `${n} 位成员`,
  unreadCount: (n) => `${n} 条未读`,
  join: '加入',
  joinRoom: (title) => `加入 ${title}`,
  leave: '退出',
  leaveRoom: (title) => `退出 ${title}`,
  newRoom: '新建房间',
  createRoom: '创建房间',
  creating: '正在创建…',
  roomTitle: '标题',
  roomTopic: '主题（可选）',
  cancel: '取消',
  pickRoom: '选择或新建一个房间，开始聊天。',
  notMember: '你还没有加入这个房间。加入后即可阅读和发送消息。',
  noSuchRoom: '没有这个房间。它可能已被删除，或者链接有误。',

  messages: '消息',
  loadOlder: '加载更早的消息',
  loadingOlder: '正在加载更早的消息…',
  beginning: '这是房间的第一条消息。',
  empty: '还没有消息，打个招呼吧！',
  historyFailed: (reason) => `无法加载消息：${reason}`,
  tryAgain: '重试',
  message: '消息',
  messagePlaceholder: (title) => `发送消息到 ${title}`,
  composerHint: '按 Enter 发送，Shift+Enter 换行',
  send: '发送',
  pending: '发送中…',
  sent: '已发送',
  failed: (reason) => `发送失败：${reason}`,
  retry: '重新发送',
  typing: (names) => (names.length <= 2 ? `${names.join(' 和 ')} 正在输入…` : `${names.length} 人正在输入…`),
  onlineNow: '当前在线',
  onlineCount: (n) => `${n} 人在线`,
  you: '（你）',
};

export const catalogs: Record<Lang, Catalog> = { en, 'zh-CN': zh };

/** The best language for a list of BCP 47 tags (navigator.languages): any Chinese means zh-CN. */
export function matchLang(tags: readonly string[]): Lang {
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}
