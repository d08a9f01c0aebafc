/**
 * Every string the chat shows, in each language the widget speaks (`data-language`, else the
 * browser's). Components hold no text of their own. Server messages are shown as sent.
 *
 * @example
 * catalogs['zh-CN'].typing('Alice'); // "Alice 正在输入…"
 */
import type { Lang } from '../host.js';

const en = {
  support: 'Support',
  online: 'We’re online',
  away: 'We’re away',
  close: 'Close chat',
  back: 'All conversations',
  conversations: 'Your conversations',
  greeting: 'Hi! How can we help?',
  loading: 'Loading…',
  loadFailed: 'The chat is not available on this page right now.',
  tryAgain: 'Try again',
  noAgents: 'Nobody is available right now.',
  outsideHours: 'We’re outside business hours.',
  leaveMessage: 'Leave a message and your email address, and we’ll get back to you.',
  replyByEmail: 'Thanks! We’ll reply by email, or here if you come back.',
  prechat: 'Before we start, tell us who you are.',
  name: 'Name',
  email: 'Email',
  message: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  start: 'Start chat',
  needName: 'Enter your name.',
  /** The name holds an invisible, text-direction or control character (shared/text-rules.ts). */
  hiddenInName: (codePoint: string) =>
    `Your name contains an invisible or control character (${codePoint}); remove it.`,
  badEmail: 'Enter an email address like name@example.com.',
  needMessage: 'Write your message.',
  chattingAs: (name: string) => `You’re chatting as ${name}`,
  messages: 'Messages',
  you: 'You',
  sending: 'Sending…',
  failed: (why: string) => `Not sent: ${why}.`,
  /** A 429 `rate_limited`: too many chats started from this address or on this site. */
  rateLimited: 'too many chats started from here just now; try again in a few minutes',
  retry: 'Retry',
  seen: 'Seen',
  typing: (name: string) => `${name} is typing…`,
  earlier: 'Show earlier messages',
  reconnecting: 'Reconnecting…',
  offline: 'Disconnected. Reload the page to continue.',
  unread: (n: number) => `${n} unread`,
  noPreview: 'New conversation',
  time: (ts: number) => new Date(ts).toLocaleString('en'),
};

export type Catalog = typeof en;

const zh: Catalog = {
  support: '客服',
  online: '我们在线',
  away: '我们暂时不在',
  close: '关闭聊天',
  back: '全部会话',
  conversations: '你的会话',
  greeting: '你好！有什么可以帮你？',
  loading: '加载中…',
  loadFailed: '此页面暂时无法使用聊天。',
  tryAgain: '重试',
  noAgents: '现在没有客服在线。',
  outsideHours: '现在是非工作时间。',
  leaveMessage: '请留言并留下邮箱地址，我们会尽快回复你。',
  replyByEmail: '谢谢！我们会通过邮件回复，你回到这里也能看到回复。',
  prechat: '开始之前，请告诉我们你是谁。',
  name: '姓名',
  email: '邮箱',
  message: '留言',
  placeholder: '输入消息…',
  send: '发送',
  start: '开始聊天',
  needName: '请输入你的姓名。',
  hiddenInName: (codePoint) => `姓名中包含不可见字符或控制字符（${codePoint}），请删除。`,
  badEmail: '请输入有效的邮箱地址，例如 name@example.com。',
  needMessage: '请输入留言内容。',
  chattingAs: (name) => `你正在以 ${name} 的身份聊天`,
  messages: '消息',
  you: '你',
  sending: '发送中…',
  failed: (why) => `未发送：${why}。`,
  rateLimited: '刚才从这里发起的会话过多，请几分钟后再试',
  retry: '重试',
  seen: '已读',
  typing: (name) => `${name} 正在输入…`,
  earlier: '查看更早的消息',
  reconnecting: '正在重新连接…',
  offline: '连接已断开，请刷新页面后继续。',
  unread: (n) => `${n} 条未读`,
  noPreview: '新会话',
  time: (ts) => new Date(ts).toLocaleString('zh-CN'),
};

export const catalogs: Record<Lang, Catalog> = { en, 'zh-CN': zh };
