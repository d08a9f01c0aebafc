/**
 * Every string the SPA shows, in each language it speaks. Components never hold text of their own:
 * they read `locale.t.value.<key>`. Server messages (form errors, close reasons) are shown as sent.
 *
 * @example
 * const t = catalogs['zh-CN'];
 * t.typing(['alice']); // "alice 正在输入…"
 */
import { CloseCode, type CloseName } from '../../shared/codes.js';
import type { FallbackCode } from '../client/index.js';
import type { LabTransport } from '../lab/run-lab.js';

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
  /** Why long-polling carries the connection, after the transport's name: "long-polling: …". */
  fallbackWhy: {
    websocket_blocked: 'WebSocket blocked',
    websocket_timeout: 'WebSocket did not open in time',
    websocket_unavailable: 'WebSocket unavailable',
  } as Record<FallbackCode, string>,
  /** Said after the transport's name when ?transport= in the address forced it. */
  transportChosen: 'chosen in the URL',
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

  // events pushed into a room
  /** Read before an event line by screen readers: "Event: deploy.finished {…}". */
  eventLabel: 'Event: ',

  // jobs
  jobs: 'Jobs',
  jobsIntro:
    'Work the server does for you, such as building a file, shows its progress here as it happens. A job keeps going when you leave this page or reload it, and is shown where it is when you come back.',
  /** After "Jobs" in the top bar's link, for screen readers. */
  jobsRunning: (n: number) => (n === 1 ? ', 1 job running' : `, ${n} jobs running`),
  downloadDemo: 'Download demo',
  downloadDemoHint:
    'Builds a text file on the server in ten steps of about half a second, then offers it for download.',
  startDownload: 'Start download',
  starting: 'Starting…',
  yourJobs: 'Your jobs',
  noJobs: 'No jobs in the last 24 hours. Start the download demo to see one.',
  jobsFailed: (reason: string) => `Could not load your jobs: ${reason}`,
  percent: (value: string) => `${value}%`,
  jobUpdated: (time: string) => `Updated ${time}`,
  jobDone: 'Done',
  downloadComplete: 'Download complete',
  downloadFile: (name: string) => `Download ${name}`,
  jobFailed: (reason: string) => `Failed: ${reason}`,
  jobFailedNoReason: 'Failed',

  // API keys (admins)
  apiKeys: 'API keys',
  apiKeysIntro:
    'Backends use an API key to push events to users, rooms and topics, and to report the progress of jobs. The key itself is shown once, when it is made; the server keeps only a hash of it.',
  adminOnly: 'Only an admin may manage API keys. Ask an admin of this server to make one for you.',
  newKey: 'New key',
  keyName: 'Name',
  keyNameHint: 'What will use it, for example “CI deploys”.',
  scopes: 'Scopes',
  scopesHint: 'What the key may reach. Tick broad scopes, or type narrower ones below.',
  scopeMeaning: {
    'user:*': 'push to any user',
    'room:*': 'push to any room',
    'topic:*': 'push to any topic',
    jobs: 'create and update jobs',
  } as Record<string, string>,
  specificScopes: 'Specific scopes (optional)',
  specificScopesHint:
    'Separated by spaces or commas: room:<id>, user:<id> or topic:<name>, for example room:general.',
  createKey: 'Create key',
  creatingKey: 'Creating…',
  newKeyTitle: (name: string) => `New key: ${name}`,
  newKeyWarning:
    'Copy the key now and keep it secret. It will not be shown again; if it is lost, revoke it and make another.',
  keyToken: 'The key',
  copy: 'Copy',
  copied: 'Copied to the clipboard.',
  copyFailed: 'Could not copy. The key is selected: copy it with Ctrl+C (⌘C on a Mac).',
  curlTitle: 'Try it',
  curlHint: 'Put the key in the SWITCHBOARD_KEY environment variable, then:',
  curlLabel: 'A curl example',
  keyDone: 'I have copied it',
  keyList: 'Keys',
  noKeys: 'No keys yet.',
  keysFailed: (reason: string) => `Could not load the keys: ${reason}`,
  keyCreated: (date: string) => `Created ${date}`,
  keyLastUsed: (date: string) => `Last used ${date}`,
  keyNeverUsed: 'Never used',
  keyActive: 'Active',
  keyRevoked: (date: string) => `Revoked ${date}`,
  revoke: 'Revoke',
  revokeKey: (name: string) => `Revoke ${name}`,
  revokeConfirm: (name: string) =>
    `Revoke “${name}”? Every call made with it is refused from now on (401). This cannot be undone.`,
  revokeYes: 'Yes, revoke',
  revoking: 'Revoking…',

  // transport lab
  lab: 'Transport lab',
  labIntro:
    'The article behind Switchboard claims that polling wastes bandwidth on HTTP headers, while a WebSocket pushes each message over one open connection. ' +
    'This lab sends you the same messages over WebSocket, long-polling and naive short polling at once, and measures what each one costs on the wire.',
  labScript: (messages: number, rate: string, idleSeconds: string, about: string) =>
    `The script: ${messages} ${messages === 1 ? 'message' : 'messages'} at ${rate} per second, then ${idleSeconds}\u00a0s idle. It takes about ${about}.`,
  /** `example` is a link to a short run, its address shown as code. */
  labShortRuns: <T>(example: T): (string | T)[] => [
    'For a short run, open ',
    example,
    ' (any of messages, rate per second and idle seconds).',
  ],
  labIgnored: (names: string[]) =>
    `Ignored ${names.map((n) => `“${n}”`).join(', ')} in the address, so the full script’s value is used: messages must be a whole number from 1 to 1000, rate from 0.1 to 50 per second, idle from 0 to 600 seconds.`,
  labRun: 'Run',
  labRunAgain: 'Run again',
  labRunning: 'Running…',
  labProgress: 'Progress',
  labAllDone: 'The run is over; the results are below.',
  labWaiting: 'Waiting…',
  labConnecting: 'Connecting…',
  labDelivered: (n: number, total: number) => `${n} of ${total} messages delivered`,
  labIdle: (seconds: number) => `Idle: ${seconds} s left`,
  labDone: (n: number, total: number) => `Done: ${n} of ${total} delivered`,
  labFailed: (reason: string) => `Failed: ${reason}`,
  labNoWebSocket: 'this browser has no WebSocket, so there is nothing to measure',
  labStalled:
    'Nothing has moved for 15 s; still trying. This transport may be blocked on this network, or the server is limiting how fast you may send.',
  labOverdue:
    'This run is taking much longer than the script. The server is probably limiting how fast one account may send (RATE_BURST, RATE_REFILL_MS): refused messages wait and are sent again, and those refusals count in the results.',
  labTransport: {
    websocket: 'WebSocket',
    polling: 'Long-polling',
    short_polling: 'Short polling',
  } as Record<LabTransport, string>,
  labResults: 'Results',
  labChart: 'The results as bars (the same numbers as the table below)',
  labTable: 'The results as a table',
  labTransportColumn: 'Transport',
  labMetric: {
    bytesPerMessage: 'Bytes per delivered message',
    idleBytesPerMinute: 'Bytes per idle minute',
    requests: 'Requests',
    latencyP50: 'Median delivery latency',
    latencyP95: 'p95 delivery latency',
  },
  labNotMeasured: 'n/a',
  perMinute: (value: string) => `${value}/min`,
  // A no-break space keeps a number on the line of its unit.
  milliseconds: (value: string) => `${value}\u00a0ms`,
  seconds: (value: string) => `${value}\u00a0s`,
  minutes: (value: string) => `${value}\u00a0min`,
  labShortIdle:
    'Idle traffic on WebSocket (heartbeats) and long-polling (a held poll, counted when it ends) comes about every 25 s, so an idle time this short shows little of it; the full script’s 60 s measures it.',
  labSource:
    'These numbers come from the server’s own byte counters: request and response headers and bodies for HTTP, and frames plus the upgrade handshake for WebSocket. Latency is measured in the server, from commit to write. Over HTTP/2, header compression would shrink the polling numbers.',
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
  fallbackWhy: {
    websocket_blocked: 'WebSocket 被拦截',
    websocket_timeout: 'WebSocket 未能及时打开',
    websocket_unavailable: 'WebSocket 不可用',
  },
  transportChosen: '由网址指定',
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

  eventLabel: '事件：',

  jobs: '任务',
  jobsIntro:
    '服务器为你做的工作（比如生成文件）会在这里实时显示进度。离开本页或刷新后任务仍在继续，回来时会显示它当前的进度。',
  jobsRunning: (n) => `，${n} 个任务进行中`,
  downloadDemo: '下载演示',
  downloadDemoHint: '服务器分十步生成一个文本文件，每步约半秒，完成后即可下载。',
  startDownload: '开始下载',
  starting: '正在开始…',
  yourJobs: '我的任务',
  noJobs: '最近 24 小时没有任务。开始下载演示，看看效果。',
  jobsFailed: (reason) => `无法加载任务：${reason}`,
  percent: (value) => `${value}%`,
  jobUpdated: (time) => `更新于 ${time}`,
  jobDone: '已完成',
  downloadComplete: '下载完成',
  downloadFile: (name) => `下载 ${name}`,
  jobFailed: (reason) => `失败：${reason}`,
  jobFailedNoReason: '失败',

  apiKeys: 'API 密钥',
  apiKeysIntro:
    '后端服务用 API 密钥向用户、房间和主题推送事件，并报告任务进度。密钥本身只在创建时显示一次，服务器只保存它的哈希值。',
  adminOnly: '只有管理员可以管理 API 密钥。请联系本服务器的管理员为你创建。',
  newKey: '新建密钥',
  keyName: '名称',
  keyNameHint: '写明由谁使用，例如“CI 部署”。',
  scopes: '权限范围',
  scopesHint: '密钥可以访问的范围。勾选宽泛的范围，或在下方填写更具体的范围。',
  scopeMeaning: {
    'user:*': '可推送给任意用户',
    'room:*': '可推送到任意房间',
    'topic:*': '可推送到任意主题',
    jobs: '可创建和更新任务',
  },
  specificScopes: '具体范围（可选）',
  specificScopesHint: '用空格或逗号分隔：room:<id>、user:<id> 或 topic:<name>，例如 room:general。',
  createKey: '创建密钥',
  creatingKey: '正在创建…',
  newKeyTitle: (name) => `新密钥：${name}`,
  newKeyWarning: '请立即复制并妥善保管此密钥。它不会再次显示；如果丢失，请吊销后重新创建。',
  keyToken: '密钥',
  copy: '复制',
  copied: '已复制到剪贴板。',
  copyFailed: '无法复制。密钥已选中，请按 Ctrl+C（Mac 上为 ⌘C）复制。',
  curlTitle: '试一试',
  curlHint: '把密钥放进环境变量 SWITCHBOARD_KEY，然后运行：',
  curlLabel: 'curl 示例',
  keyDone: '我已复制',
  keyList: '密钥列表',
  noKeys: '还没有密钥。',
  keysFailed: (reason) => `无法加载密钥：${reason}`,
  keyCreated: (date) => `创建于 ${date}`,
  keyLastUsed: (date) => `最近使用于 ${date}`,
  keyNeverUsed: '从未使用',
  keyActive: '有效',
  keyRevoked: (date) => `已于 ${date} 吊销`,
  revoke: '吊销',
  revokeKey: (name) => `吊销 ${name}`,
  revokeConfirm: (name) => `确定吊销“${name}”吗？此后用它发出的每个请求都会被拒绝（401），且无法撤销。`,
  revokeYes: '确定吊销',
  revoking: '正在吊销…',

  lab: '传输实验室',
  labIntro:
    'Switchboard 所依据的那篇文章认为：轮询把带宽浪费在 HTTP 头上，而 WebSocket 通过一条保持打开的连接推送每条消息。' +
    '本实验同时通过 WebSocket、长轮询和朴素的短轮询向你发送同样的消息，并测量每种方式在网络上的开销。',
  labScript: (messages, rate, idleSeconds, about) =>
    `脚本：以每秒 ${rate} 条的速度发送 ${messages} 条消息，然后空闲 ${idleSeconds} 秒。一次运行约需 ${about}。`,
  labShortRuns: (example) => [
    '想快速跑一次，可打开 ',
    example,
    '（可设置 messages、每秒速率 rate 和空闲秒数 idle）。',
  ],
  labIgnored: (names) =>
    `已忽略地址中的 ${names.map((n) => `“${n}”`).join('、')}，改用完整脚本的取值：messages 须为 1 到 1000 的整数，rate 为每秒 0.1 到 50，idle 为 0 到 600 秒。`,
  labRun: '运行',
  labRunAgain: '再运行一次',
  labRunning: '运行中…',
  labProgress: '进度',
  labAllDone: '运行结束，结果见下方。',
  labWaiting: '等待中…',
  labConnecting: '正在连接…',
  labDelivered: (n, total) => `已送达 ${n} / ${total} 条消息`,
  labIdle: (seconds) => `空闲中：还剩 ${seconds} 秒`,
  labDone: (n, total) => `完成：已送达 ${n} / ${total} 条`,
  labFailed: (reason) => `失败：${reason}`,
  labNoWebSocket: '此浏览器不支持 WebSocket，无从测量',
  labStalled: '已有 15 秒没有进展，仍在重试。此网络可能拦截了这种传输方式，或者服务器正在限制你的发送速度。',
  labOverdue:
    '本次运行比脚本预计的慢得多。服务器很可能在限制单个账号的发送速度（RATE_BURST、RATE_REFILL_MS）：被拒绝的消息会等待后重发，这些拒绝也计入了结果。',
  labTransport: { websocket: 'WebSocket', polling: '长轮询', short_polling: '短轮询' },
  labResults: '结果',
  labChart: '结果柱状图（与下表数字相同）',
  labTable: '结果表格',
  labTransportColumn: '传输方式',
  labMetric: {
    bytesPerMessage: '每条送达消息的字节数',
    idleBytesPerMinute: '空闲时每分钟字节数',
    requests: '请求数',
    latencyP50: '送达延迟中位数',
    latencyP95: '送达延迟 p95',
  },
  labNotMeasured: '无',
  perMinute: (value) => `${value}/分钟`,
  milliseconds: (value) => `${value}\u00a0毫秒`,
  seconds: (value) => `${value}\u00a0秒`,
  minutes: (value) => `${value}\u00a0分钟`,
  labShortIdle:
    'WebSocket（心跳）和长轮询（挂起的请求，在结束时计入）的空闲流量大约每 25 秒才出现一次，这么短的空闲时间几乎测不到；完整脚本的 60 秒空闲才能测出来。',
  labSource:
    '这些数字来自服务器自己的字节计数：HTTP 计入请求与响应的头和正文，WebSocket 计入各帧及升级握手。延迟在服务器内测量，从提交到写出。若使用 HTTP/2，头部压缩会让轮询的数字变小。',
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
